import { engineKindFacts, type ServiceName } from '@app/config';
import type { BackendInstanceView } from '@app/gateway';
import type { LanguageInfo } from '../engine.types';
import { pairsOf, type Pair } from './language-pairs';

/** How long a call waits for instances never heard from to say what they serve. */
export const DISCOVERY_WAIT_MS = 3000;

/** What one instance said it can do, and when. */
export interface Capabilities {
  /** Translation: its languages and the pairs they make. */
  languages?: LanguageInfo[];
  pairs?: Set<Pair>;
  /** Speech-to-text: the models it hosts. */
  models?: string[];
  discoveredAt: number;
}

/** How to ask an instance: the adapter of its kind, pinned to it. */
export interface Discoverer {
  languages(instanceId: string, kind: string): Promise<LanguageInfo[]>;
  models(instanceId: string, kind: string): Promise<string[]>;
}

interface Entry {
  url: string;
  kind: string;
  known?: Capabilities;
  inFlight?: Promise<void>;
}

/**
 * Each instance's language pairs or models, asked of the instance itself (LibreTranslate and the platform's
 * service `/languages`, Apertium `/listPairs`, `/v1/models`, `/models`: the discovery paths of ENGINE_KINDS).
 * Refreshed after each health check that finds the instance serving; a process without the monitor (the
 * pipeline worker) asks on first use and again once the answer is older than `staleAfterMs`. What an
 * instance said last is kept while it is down, so routing still knows whose pairs are missing.
 */
export class CapabilityRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly discoverers: Record<ServiceName, Discoverer>,
    private readonly staleAfterMs: () => number,
  ) {}

  /** What the instance said last; undefined when it never answered or has nothing to discover. */
  of(view: BackendInstanceView): Capabilities | undefined {
    return this.entry(view).known;
  }

  /** Asks the instance again (one question at a time per instance); never throws. */
  refresh(view: BackendInstanceView): Promise<void> {
    const entry = this.entry(view);
    if (entry.inFlight) return entry.inFlight;
    const discovery: { languages?: string; models?: string } = engineKindFacts(
      view.service,
      view.kind,
    ).discovery;
    if (!discovery.languages && !discovery.models) return Promise.resolve();
    const discoverer = this.discoverers[view.service];
    entry.inFlight = (async () => {
      try {
        if (discovery.languages) {
          const languages = await discoverer.languages(view.id, view.kind);
          // An empty list says nothing (a server that does not list): the instance stays "not known".
          entry.known = {
            languages,
            ...(languages.length > 0 ? { pairs: pairsOf(languages) } : {}),
            discoveredAt: Date.now(),
          };
        } else {
          entry.known = { models: await discoverer.models(view.id, view.kind), discoveredAt: Date.now() };
        }
      } catch {
        // Not answering is the health monitor's to report; what was known stays known.
      } finally {
        entry.inFlight = undefined;
      }
    })();
    return entry.inFlight;
  }

  /**
   * Makes sure every instance has been asked: waits (at most `waitMs`) for those never heard from, and
   * refreshes stale answers in the background.
   */
  async ensure(views: readonly BackendInstanceView[], waitMs: number): Promise<void> {
    const now = Date.now();
    const waiting: Promise<void>[] = [];
    for (const view of views) {
      const known = this.of(view);
      if (!known && view.healthy) waiting.push(this.refresh(view));
      else if (known && now - known.discoveredAt > this.staleAfterMs()) void this.refresh(view);
    }
    if (waiting.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(waiting),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs))),
    ]);
    clearTimeout(timer);
  }

  /** Forgets instances no longer configured. */
  retain(service: ServiceName, views: readonly BackendInstanceView[]): void {
    const keep = new Set(views.map((view) => key(service, view.id)));
    for (const id of this.entries.keys()) {
      if (id.startsWith(`${service}/`) && !keep.has(id)) this.entries.delete(id);
    }
  }

  private entry(view: BackendInstanceView): Entry {
    const id = key(view.service, view.id);
    let entry = this.entries.get(id);
    // Same id, other URL or kind (configuration changed): what the old one said no longer applies.
    if (!entry || entry.url !== view.url || entry.kind !== view.kind) {
      entry = { url: view.url, kind: view.kind };
      this.entries.set(id, entry);
    }
    return entry;
  }
}

function key(service: ServiceName, instanceId: string): string {
  return `${service}/${instanceId}`;
}
