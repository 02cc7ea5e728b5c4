import { describeHeldMemory } from './held-memory-suite';

describeHeldMemory('in-process', () => Promise.resolve(undefined));
