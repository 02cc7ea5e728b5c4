import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_KINDS, SERVICE_NAMES, engineKindsOf, loadConfig } from '@app/config';
import { FetchBackendClient } from '../../../test/support/fetch-backend-client';
import { ENGINE_ADAPTERS, createAdapter } from './engine-catalogue';

const client = new FetchBackendClient({});

describe('the engine-kind table', () => {
  it.each(SERVICE_NAMES)(
    'gives every %s kind an adapter of that kind, and no adapter without a row',
    (service) => {
      expect(Object.keys(ENGINE_ADAPTERS[service]).sort()).toEqual(engineKindsOf(service).sort());
      for (const kind of engineKindsOf(service)) {
        const adapter = createAdapter(service, kind, client, () => ({}) as never);
        expect(adapter.kind).toBe(kind);
      }
    },
  );

  it.each(SERVICE_NAMES)(
    'gives every %s kind a health path and the discovery its service needs',
    (service) => {
      for (const facts of Object.values(ENGINE_KINDS[service])) {
        expect(facts.healthPaths.length).toBeGreaterThan(0);
        facts.healthPaths.forEach((path: string) => expect(path).toMatch(/^\//));
        const discovery: { languages?: string; models?: string } = facts.discovery;
        if (service === 'speaker') expect(discovery).toEqual({});
        if (service === 'translation') expect(discovery.languages).toMatch(/^\//);
      }
    },
  );

  it('is what config validation accepts as services.<name>.kind', () => {
    // An empty directory: no YAML file, so only the built-in defaults and these variables count.
    const cwd = mkdtempSync(join(tmpdir(), 'lt-kinds-'));
    for (const service of SERVICE_NAMES) {
      const variable = `${service.toUpperCase()}_SERVICE_KIND`;
      for (const kind of engineKindsOf(service)) {
        expect(loadConfig({ env: { [variable]: kind }, cwd }).services[service].kind).toBe(kind);
      }
      expect(() => loadConfig({ env: { [variable]: 'nonesuch' }, cwd })).toThrow(
        `must be one of ${engineKindsOf(service).join(', ')}`,
      );
    }
  });
});
