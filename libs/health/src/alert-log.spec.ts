import { AlertLog } from './alert-log';

const draft = (message: string) => ({
  level: 'warning' as const,
  service: 'whisper' as const,
  instance: null,
  message,
});

describe('AlertLog', () => {
  it('lists newest first and honours the limit', () => {
    const log = new AlertLog(10);
    log.add(draft('first'), new Date(1000));
    log.add(draft('second'), new Date(2000));
    log.add(draft('third'), new Date(3000));
    expect(log.list().map((a) => a.message)).toEqual(['third', 'second', 'first']);
    expect(log.list(2).map((a) => a.message)).toEqual(['third', 'second']);
    expect(log.list(0)).toEqual([]);
  });

  it('drops the oldest past its capacity, also when shrunk', () => {
    const log = new AlertLog(3);
    for (let i = 1; i <= 5; i++) log.add(draft(`alert ${i}`), new Date(i * 1000));
    expect(log.list().map((a) => a.message)).toEqual(['alert 5', 'alert 4', 'alert 3']);
    log.resize(1);
    expect(log.list().map((a) => a.message)).toEqual(['alert 5']);
  });

  it('gives each alert a distinct id and its time', () => {
    const log = new AlertLog(5);
    const a = log.add(draft('a'), new Date(Date.UTC(2026, 0, 1)));
    const b = log.add(draft('b'), new Date(Date.UTC(2026, 0, 1)));
    expect(a.id).not.toBe(b.id);
    expect(a.time).toBe('2026-01-01T00:00:00.000Z');
  });
});
