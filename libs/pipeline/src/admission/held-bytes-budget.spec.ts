import type { PipelineSection } from '@app/config';
import { MemoryPipelineState } from '../state/memory-pipeline-state';
import { HeldBytesBudget, heldBytesLimit } from './held-bytes-budget';

const settings = (maxHeldBytes: number) => ({ maxHeldBytes }) as PipelineSection;
const GiB = 1024 ** 3;

const meta = (id: string) => ({
  id,
  chunkId: id,
  lane: `j:${id}`,
  format: 'wav',
  contentType: 'audio/wav',
  targetLanguages: [],
  diarize: false,
  createdAt: new Date(0).toISOString(),
});

describe('the pipeline byte budget', () => {
  it('is the configured size, else 90% of the store limit, else a quarter of the machine', () => {
    expect(heldBytesLimit(settings(5_000_000), { heldBytes: 0, storeLimitBytes: GiB }, 8 * GiB)).toBe(
      5_000_000,
    );
    expect(heldBytesLimit(settings(0), { heldBytes: 0, storeLimitBytes: GiB }, 8 * GiB)).toBe(
      Math.floor(0.9 * GiB),
    );
    expect(heldBytesLimit(settings(0), { heldBytes: 0 }, 8 * GiB)).toBe(2 * GiB);
  });

  it('evicts the oldest finished records near the budget, and refuses once jobs in flight fill it', async () => {
    const state = new MemoryPipelineState(() => 3600);
    let evicted = 0;
    const budget = new HeldBytesBudget(
      state,
      () => settings(100_000),
      (n) => (evicted += n),
    );
    for (let i = 0; i < 8; i++) {
      await state.create(meta(`done-${i}`), Buffer.alloc(10_000), { 'stage:transcription': {} });
      await state.update(`done-${i}`, { 'stage:transcription': { state: 'completed' } });
    }
    expect((await budget.fits(10_000)).fits).toBe(true);
    expect(evicted).toBeGreaterThan(0);
    expect(await state.get('done-0')).toBeUndefined();
    expect(await state.get('done-7')).toBeDefined();

    for (let i = 0; i < 10; i++) {
      await state.create(meta(`busy-${i}`), Buffer.alloc(10_000), { 'stage:transcription': {} });
    }
    const full = await budget.fits(10_000);
    expect(full.fits).toBe(false);
    expect(full.reading.limitBytes).toBe(100_000);
    // Every finished record went before the refusal; the ones in flight stay.
    expect(await state.get('done-7')).toBeUndefined();
    expect(await state.get('busy-0')).toBeDefined();
  });
});
