/** Thrown by a stage to its driver: `retry` says whether another attempt is worth making. */
export class StageFailure extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
    this.name = 'StageFailure';
  }
}

/** Where a stage job stands in its retries, as the driver knows it. */
export interface AttemptInfo {
  /** 1 for the first attempt. */
  attempt: number;
  /** No attempt follows this one, whatever the outcome. */
  final: boolean;
}
