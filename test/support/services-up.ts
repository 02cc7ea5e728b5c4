import type { ServiceName } from '@app/config';
import { eventually } from './eventually';

interface ServicesAnswer {
  services: Record<string, { status: string; instances: { status: string }[] }>;
}

/**
 * Waits until the health monitor of the app at `url` has each named service up (in rotation), or with
 * `everyInstance` every one of its instances: tests that need their engines start once they are there.
 */
export async function servicesUp(
  url: string,
  services: readonly ServiceName[],
  { everyInstance = false, timeoutMs = 20_000 }: { everyInstance?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  await eventually(
    `${services.join(' and ')} ${everyInstance ? 'with every instance ' : ''}up`,
    async () => {
      const body = (await (await fetch(`${url}/api/services`)).json()) as ServicesAnswer;
      return services.every((name) => {
        const service = body.services[name];
        if (!service) return false;
        return everyInstance
          ? service.instances.every((instance) => instance.status === 'up')
          : service.status === 'up';
      });
    },
    { timeoutMs, intervalMs: 100 },
  );
}
