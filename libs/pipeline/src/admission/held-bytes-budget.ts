import { Logger } from '@nestjs/common';
import { totalmem } from 'node:os';
import type { PipelineSection } from '@app/config';
import type { HeldMemory, PipelineState } from '../state/pipeline-state';

/** Without a configured budget, the pipeline takes this share of the machine's memory... */
const MACHINE_SHARE = 0.25;
/** ...or of Redis's maxmemory, leaving room for sessions and queue writes before Redis refuses them. */
const STORE_SHARE = 0.9;
/** From this share of the budget the oldest finished records are evicted, down to the second. */
const EVICT_FROM = 0.9;
const EVICT_DOWN_TO = 0.8;
/**
 * Records evicted per step start at one and double (the size of a record is not known in Redis), so a pass
 * evicts about what it must; the steps are bounded whatever the store holds.
 */
const EVICT_MAX_BATCH = 1000;
const EVICT_MAX_STEPS = 40;

/** The memory this process may use: the cgroup limit in a container, else the machine's. */
export function machineMemoryBytes(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  const total = totalmem();
  return constrained > 0 && constrained < total ? constrained : total;
}

/** `pipeline.max_held_bytes`, or when 0 the share of Redis's maxmemory or of the machine. */
export function heldBytesLimit(settings: PipelineSection, memory: HeldMemory, machineBytes: number): number {
  if (settings.maxHeldBytes > 0) return settings.maxHeldBytes;
  if (memory.storeLimitBytes) return Math.floor(memory.storeLimitBytes * STORE_SHARE);
  return Math.floor(machineBytes * MACHINE_SHARE);
}

export interface BudgetReading {
  heldBytes: number;
  limitBytes: number;
}

/** What the state holds now against the budget. */
export async function readBudget(
  state: PipelineState,
  settings: PipelineSection,
  machineBytes = machineMemoryBytes(),
): Promise<BudgetReading> {
  const memory = await state.memory();
  return { heldBytes: memory.heldBytes, limitBytes: heldBytesLimit(settings, memory, machineBytes) };
}

/**
 * Keeps what the pipeline holds within its byte budget: near it the oldest finished records go (a single
 * pass at a time, bounded), and it says whether a new job of some size still fits.
 */
export class HeldBytesBudget {
  private readonly logger = new Logger('Pipeline');
  private evicting?: Promise<void>;

  constructor(
    private readonly state: PipelineState,
    private readonly settings: () => PipelineSection,
    private readonly onEvicted: (records: number) => void,
    private readonly machineBytes: number = machineMemoryBytes(),
  ) {}

  reading(): Promise<BudgetReading> {
    return readBudget(this.state, this.settings(), this.machineBytes);
  }

  /** Whether `bytes` more fit, after evicting finished records if the budget is near; the reading it used. */
  async fits(bytes: number): Promise<{ fits: boolean; reading: BudgetReading }> {
    let reading = await this.reading();
    if (reading.heldBytes + bytes >= reading.limitBytes * EVICT_FROM) {
      await this.evict();
      reading = await this.reading();
    }
    return { fits: reading.heldBytes + bytes <= reading.limitBytes, reading };
  }

  /** One eviction pass at a time; callers arriving meanwhile wait for it. */
  private evict(): Promise<void> {
    this.evicting ??= this.evictPass().finally(() => (this.evicting = undefined));
    return this.evicting;
  }

  private async evictPass(): Promise<void> {
    let evicted = 0;
    let reading = await this.reading();
    for (
      let step = 0, batch = 1;
      step < EVICT_MAX_STEPS;
      step++, batch = Math.min(batch * 2, EVICT_MAX_BATCH)
    ) {
      if (reading.heldBytes <= reading.limitBytes * EVICT_DOWN_TO) break;
      const removed = await this.state.evictFinished(batch);
      if (removed === 0) break;
      evicted += removed;
      this.onEvicted(removed);
      reading = await this.reading();
    }
    if (evicted > 0) {
      this.logger.warn(
        `Evicted ${evicted} finished pipeline record(s): ${reading.heldBytes} of ${reading.limitBytes} bytes held`,
      );
    }
  }
}
