import { MemoryKeyValueStore } from './memory-key-value-store';
import { describeKeyValueStoreContract } from './testing/key-value-store-contract';

let clock = 0;

describeKeyValueStoreContract('MemoryKeyValueStore', {
  create: () => ({ store: new MemoryKeyValueStore(() => clock) }),
  passTime: async (ms) => {
    clock += ms;
  },
});
