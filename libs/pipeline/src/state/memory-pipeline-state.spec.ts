import { MemoryPipelineState } from './memory-pipeline-state';

const meta = (id: string, lane = 's:a') => ({
  id,
  chunkId: id,
  lane,
  format: 'wav',
  contentType: 'audio/wav',
  targetLanguages: [],
  diarize: false,
  createdAt: new Date(0).toISOString(),
});

describe('MemoryPipelineState', () => {
  it('creates a record once and numbers the chunks of a lane in submission order', async () => {
    const state = new MemoryPipelineState(() => 60);
    expect(await state.create(meta('j1'), Buffer.from('a'), {})).toBe(true);
    expect(await state.create(meta('j1'), Buffer.from('b'), {})).toBe(false);
    expect(await state.create(meta('j2'), Buffer.from('c'), {})).toBe(true);
    expect(await state.create(meta('j3', 's:other'), Buffer.from('d'), {})).toBe(true);
    expect((await state.get('j2'))?.meta.sequence).toBe(2);
    expect((await state.get('j3'))?.meta.sequence).toBe(1);
    expect((await state.audio('j1'))?.toString()).toBe('a');
  });

  it('advances the finished watermark only over consecutive sequences', async () => {
    const state = new MemoryPipelineState(() => 60);
    await state.markFinished('s:a', 2, 'j2');
    expect(await state.finishedThrough('s:a')).toBe(0);
    await state.markFinished('s:a', 1, 'j1');
    expect(await state.finishedThrough('s:a')).toBe(2);
  });

  it('tells finish listeners which job finished, until they stop listening', async () => {
    const state = new MemoryPipelineState(() => 60);
    const heard: (string | undefined)[] = [];
    const stop = state.onFinished((jobId) => heard.push(jobId));
    await state.markFinished('s:a', 1, 'j1');
    stop();
    await state.markFinished('s:a', 2, 'j2');
    expect(heard).toEqual(['j1']);
  });

  it('hands out running audio offsets', async () => {
    const state = new MemoryPipelineState(() => 60);
    expect(await state.advanceOffset('s:a', 1.5)).toBe(0);
    expect(await state.advanceOffset('s:a', 2)).toBe(1.5);
    expect(await state.advanceOffset('s:a', 0)).toBe(3.5);
  });

  it('counts the bytes it holds and lets them go with the audio and the record', async () => {
    const state = new MemoryPipelineState(() => 60);
    const empty = (await state.memory()).heldBytes;
    await state.create(meta('j1'), Buffer.alloc(10_000), { 'stage:transcription': { state: 'queued' } });
    const held = (await state.memory()).heldBytes;
    expect(held - empty).toBeGreaterThan(10_000);
    await state.deleteAudio('j1');
    expect((await state.memory()).heldBytes).toBe(held - 10_000);
    await state.update('j1', { 'stage:transcription': { state: 'failed' } });
    expect(await state.evictFinished(10)).toBe(1);
    expect((await state.memory()).heldBytes).toBe(empty);
  });

  it('evicts finished records only, the oldest finished first', async () => {
    const state = new MemoryPipelineState(() => 60);
    for (const id of ['a', 'b', 'c']) {
      await state.create(meta(id, `s:${id}`), Buffer.from(id), {
        'stage:transcription': { state: 'queued' },
      });
    }
    await state.update('c', { 'stage:transcription': { state: 'completed' } });
    await state.update('a', { 'stage:transcription': { state: 'failed' } });
    expect(await state.evictFinished(1)).toBe(1);
    expect(await state.get('c')).toBeUndefined();
    expect(await state.get('a')).toBeDefined();
    expect(await state.evictFinished(5)).toBe(1);
    expect(await state.get('a')).toBeUndefined();
    // b is still in flight.
    expect(await state.get('b')).toBeDefined();
  });

  it('forgets records after the retention time', async () => {
    let now = 0;
    const state = new MemoryPipelineState(
      () => 10,
      () => now,
    );
    await state.create(meta('j1'), Buffer.from('a'), {});
    now = 11_000;
    expect(await state.get('j1')).toBeUndefined();
  });
});
