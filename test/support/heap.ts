import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The heap in use after a full garbage collection. Jest does not start Node with --expose-gc, so the flag
 * is set at run time and `gc` taken from a fresh context, where V8 then installs it.
 */
export function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
