import { MemoryStreamRegistry } from './memory-stream-registry';
import { describeStreamRegistryContract } from './testing/stream-registry-contract';

let clock = Date.parse('2026-01-01T00:00:00Z');

describeStreamRegistryContract('Memory', {
  create: (limits) => Promise.resolve(new MemoryStreamRegistry(limits, () => clock)),
  passTime: (ms) => {
    clock += ms;
    return Promise.resolve();
  },
});
