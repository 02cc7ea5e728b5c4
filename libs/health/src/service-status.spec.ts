import { serviceStatus } from './service-status';

describe('serviceStatus', () => {
  it.each([
    [[], 'unknown'],
    [['unknown', 'unknown'], 'unknown'],
    [['up', 'up'], 'up'],
    [['up', 'unknown'], 'up'],
    [['down', 'down'], 'down'],
    [['down', 'unknown'], 'degraded'],
    [['up', 'down'], 'degraded'],
    [['degraded'], 'degraded'],
  ] as const)('%j is %s', (statuses, expected) => {
    expect(serviceStatus(statuses)).toBe(expected);
  });
});
