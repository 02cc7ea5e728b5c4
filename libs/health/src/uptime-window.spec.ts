import { UptimeWindow } from './uptime-window';

const HOUR = 3_600_000;

describe('UptimeWindow', () => {
  it('is null before the first check', () => {
    expect(new UptimeWindow().percent(1000, HOUR)).toBeNull();
  });

  it('counts only the time since the first check', () => {
    const window = new UptimeWindow();
    window.record(0, true, HOUR);
    window.record(10_000, true, HOUR);
    expect(window.percent(10_000, HOUR)).toBe(100);
  });

  it('weights each state by how long it lasted', () => {
    const window = new UptimeWindow();
    window.record(0, true, HOUR);
    window.record(30_000, false, HOUR);
    window.record(40_000, true, HOUR);
    // 30 s up, 10 s down, 60 s up
    expect(window.percent(100_000, HOUR)).toBe(90);
  });

  it('lets the state of the last check run until now', () => {
    const window = new UptimeWindow();
    window.record(0, true, HOUR);
    window.record(1_000, false, HOUR);
    expect(window.percent(4_000, HOUR)).toBe(25);
  });

  it('forgets what happened before the window', () => {
    const window = new UptimeWindow();
    const minute = 60_000;
    window.record(0, false, minute);
    window.record(30_000, true, minute);
    // Window is [60 s, 120 s]: all of it up, the outage at 0..30 s is outside.
    window.record(120_000, true, minute);
    expect(window.percent(120_000, minute)).toBe(100);
    // Window [50 s, 110 s] still up: the span that began at 30 s covers its start.
    expect(window.percent(110_000, minute)).toBe(100);
  });

  it('keeps the part of an outage that overlaps the window start', () => {
    const window = new UptimeWindow();
    const minute = 60_000;
    window.record(0, false, minute);
    window.record(90_000, true, minute);
    // Window [60 s, 120 s]: 30 s down (60..90), 30 s up (90..120).
    expect(window.percent(120_000, minute)).toBe(50);
  });

  it('answers 0 or 100 from a single check made at this instant', () => {
    const down = new UptimeWindow();
    down.record(5_000, false, HOUR);
    expect(down.percent(5_000, HOUR)).toBe(0);
    const up = new UptimeWindow();
    up.record(5_000, true, HOUR);
    expect(up.percent(5_000, HOUR)).toBe(100);
  });

  it('rounds to two decimals', () => {
    const window = new UptimeWindow();
    window.record(0, true, HOUR);
    window.record(2_000, false, HOUR);
    expect(window.percent(3_000, HOUR)).toBe(66.67);
  });
});
