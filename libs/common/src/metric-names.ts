/**
 * Every metric name of the process, in one place: each module registers its own series on METRICS_REGISTRY
 * under these names, and analytics reads them by the same constants. Here rather than in analytics because
 * analytics imports the producing libs.
 */
export const METRIC = {
  httpRequests: 'orchestration_http_requests_total',
  httpDuration: 'orchestration_http_request_duration_seconds',
  activityEvents: 'orchestration_activity_events_total',
  gatewayRequests: 'orchestration_gateway_requests_total',
  gatewayDuration: 'orchestration_gateway_upstream_duration_seconds',
  gatewayBreaker: 'orchestration_gateway_breaker_state',
  gatewayInFlight: 'orchestration_gateway_in_flight',
  gatewayMaxConcurrent: 'orchestration_gateway_max_concurrent',
  gatewayLatencyEwma: 'orchestration_gateway_latency_ewma_seconds',
  gatewayRtfEwma: 'orchestration_gateway_rtf_ewma',
  gatewayWaiting: 'orchestration_gateway_waiting_calls',
  proxyRequests: 'orchestration_proxy_requests_total',
  backendUp: 'orchestration_backend_up',
  backendInfo: 'orchestration_backend_info',
  healthCheckDuration: 'orchestration_health_check_duration_seconds',
  websocketConnections: 'orchestration_websocket_connections',
  websocketPeak: 'orchestration_websocket_connections_peak',
  websocketMessages: 'orchestration_websocket_messages_total',
  websocketRejected: 'orchestration_websocket_rejected_total',
  sessionsActive: 'orchestration_sessions_active',
  pipelineJobs: 'orchestration_pipeline_jobs_total',
  pipelineStageDuration: 'orchestration_pipeline_stage_duration_seconds',
  pipelineQueueDepth: 'orchestration_pipeline_queue_depth',
  liveStreamsActive: 'orchestration_live_streams_active',
  liveStreamLag: 'orchestration_live_stream_lag_seconds',
  liveFinalLatency: 'orchestration_live_final_latency_seconds',
  liveInterimDecodes: 'orchestration_live_interim_decodes_total',
  liveDecodeRtf: 'orchestration_live_decode_rtf',
  liveGaps: 'orchestration_live_gap_seconds_total',
  liveStreamsDegraded: 'orchestration_live_streams_degraded',
  liveDegradedTotal: 'orchestration_live_degraded_total',
  liveStreamsRefused: 'orchestration_live_streams_refused_total',
  liveFinalsHeld: 'orchestration_live_finals_held_total',
  liveDecodeSlots: 'orchestration_live_decode_slots',
  pipelineHeldBytes: 'orchestration_pipeline_held_bytes',
  pipelineMaxHeldBytes: 'orchestration_pipeline_max_held_bytes',
  pipelineJobsRefused: 'orchestration_pipeline_jobs_refused_total',
  pipelineRecordsEvicted: 'orchestration_pipeline_records_evicted_total',
} as const;

/** The gateway's `outcome` label value for an answered call; every other outcome is a failure. */
export const GATEWAY_SUCCESS_OUTCOME = 'success';

/** The gauge encoding of `orchestration_gateway_breaker_state`. */
export const BREAKER_STATES = ['closed', 'half_open', 'open'] as const;
