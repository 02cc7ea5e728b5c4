import type { ServiceName } from '@app/config';

/** Why new work is refused; the `code` of the 503 body and of the Socket.IO `error` event. */
export const REFUSAL_CODES = ['BACKEND_UNAVAILABLE', 'PIPELINE_FULL'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface AdmissionRequest {
  /** The backend services the new work will call. */
  services: readonly ServiceName[];
  /**
   * `backlog` (pipeline jobs): a service with no healthy instance refuses only once its stage's queue is
   * beyond `pipeline.admission_queue_depth` or `admission_queue_age_seconds`, so a short outage costs
   * nothing. `immediate` (e.g. a new live stream): refused as soon as a needed service has no healthy
   * instance.
   */
  when?: 'backlog' | 'immediate';
  /** Bytes the work will hold in the pipeline's state, checked against `pipeline.max_held_bytes`. */
  heldBytes?: number;
}

/**
 * Whether new work may start now. The pipeline asks it for every submitted chunk; the live-stream server
 * asks it on `stream_start`, and listens for availability to shed optional work (interim decodes) first.
 */
export interface AdmissionControl {
  /**
   * Resolves when the work may start; rejects with a 503 ApiError otherwise: code BACKEND_UNAVAILABLE or
   * PIPELINE_FULL, details `{ service?, retry_after_seconds }` and a `Retry-After` header. The REST filter
   * answers it as is; the realtime gateway turns it into an `error` event with the same code.
   */
  admit(request: AdmissionRequest): Promise<void>;
  /** False while the service has no healthy instance (the health monitor took every one out of rotation). */
  available(service: ServiceName): boolean;
  /** Told when a service loses its last healthy instance or gets one back; returns an unsubscribe. */
  onAvailability(listener: (service: ServiceName, available: boolean) => void): () => void;
}

export const ADMISSION = Symbol('ADMISSION');
