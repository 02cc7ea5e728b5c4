/** Internal injection tokens of the pipeline module (the public ones are in pipeline.types.ts). */
export const PIPELINE_STATE = Symbol('PIPELINE_STATE');
export const PIPELINE_DRIVER = Symbol('PIPELINE_DRIVER');
export const PIPELINE_METRICS = Symbol('PIPELINE_METRICS');
/** Whether this process runs stage workers (orchestrator with run_workers_in_process, or the worker app). */
export const PIPELINE_RUNS_WORKERS = Symbol('PIPELINE_RUNS_WORKERS');
/** The byte budget of what the pipeline holds (HeldBytesBudget). */
export const PIPELINE_BUDGET = Symbol('PIPELINE_BUDGET');
