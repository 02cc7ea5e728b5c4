import type { ChunkOrigin, ResultTarget } from '@app/results';
import type { PipelineJobMeta } from './state/pipeline-job-record';

/** The chunk a job's results and failures name. */
export function chunkOrigin(meta: PipelineJobMeta): ChunkOrigin {
  return { chunkId: meta.chunkId, jobId: meta.id, sessionId: meta.sessionId };
}

/** Results go to the chunk's session room and to the connection that sent it. */
export function resultTarget(meta: PipelineJobMeta): ResultTarget {
  return { sessionId: meta.sessionId, connectionId: meta.connectionId };
}
