import request from 'supertest';
import { eventually } from '../support/eventually';

/** The wire form of one instance in GET /api/services. */
export interface InstanceBody {
  instance_id: string;
  url: string;
  status: 'up' | 'down' | 'degraded' | 'unknown';
  response_time_ms: number | null;
  last_check: string | null;
  last_change: string | null;
  consecutive_failures: number;
  uptime_percent: number | null;
  circuit: string;
  last_error: string | null;
  in_rotation: boolean;
}

export interface AlertBody {
  id: string;
  level: 'warning' | 'critical' | 'recovered';
  service: string;
  instance: string | null;
  message: string;
  time: string;
}

export async function instanceState(
  baseUrl: string,
  service: string,
  instanceId: string,
): Promise<InstanceBody> {
  const response = await request(baseUrl).get('/api/services').expect(200);
  const found = (response.body.services[service].instances as InstanceBody[]).find(
    (i) => i.instance_id === instanceId,
  );
  if (!found) throw new Error(`${instanceId} is not listed under ${service}`);
  return found;
}

export async function alerts(baseUrl: string, limit = 50): Promise<AlertBody[]> {
  const response = await request(baseUrl).get('/api/alerts').query({ limit }).expect(200);
  return response.body.alerts as AlertBody[];
}

/** Waits until the instance shows `status` (and, when given, `in_rotation`). */
export function statusOf(
  baseUrl: string,
  service: string,
  instanceId: string,
  status: InstanceBody['status'],
  timeoutMs = 5000,
): Promise<InstanceBody> {
  return eventually(
    `${instanceId} to be ${status}`,
    async () => {
      const state = await instanceState(baseUrl, service, instanceId);
      const rotationSettled = status === 'down' ? !state.in_rotation : state.in_rotation;
      return state.status === status && rotationSettled ? state : undefined;
    },
    { timeoutMs },
  );
}
