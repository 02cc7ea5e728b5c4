import { KeyedSerialQueue } from './keyed-serial-queue';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyedSerialQueue', () => {
  it('runs one key in submission order even when an earlier task is slower', async () => {
    const queue = new KeyedSerialQueue(10);
    const done: string[] = [];
    const slow = deferred();
    const first = queue.run('s', async () => {
      await slow.promise;
      done.push('1');
    });
    const second = queue.run('s', async () => {
      done.push('2');
    });
    await new Promise((r) => setImmediate(r));
    expect(done).toEqual([]);
    slow.resolve();
    await Promise.all([first, second]);
    expect(done).toEqual(['1', '2']);
    expect(queue.activeKeys).toBe(0);
  });

  it('does not let a stuck key block another key', async () => {
    const queue = new KeyedSerialQueue(10);
    const stuck = deferred();
    void queue.run('slow', () => stuck.promise);
    await expect(queue.run('fast', async () => 'done')).resolves.toBe('done');
    stuck.resolve();
  });

  it('keeps going after a failed task and bounds the backlog', async () => {
    const queue = new KeyedSerialQueue(2);
    const gate = deferred();
    const failing = queue.run('s', async () => {
      await gate.promise;
      throw new Error('backend down');
    });
    const next = queue.run('s', async () => 'after');
    await expect(queue.run('s', async () => 'third')).rejects.toMatchObject({ code: 'OVERLOADED' });
    gate.resolve();
    await expect(failing).rejects.toThrow('backend down');
    await expect(next).resolves.toBe('after');
  });
});
