export * from './analytics.types';
export * from './analytics.module';
export { MetricsOverview } from './metrics/metrics-overview';
export { DashboardOverview } from './dashboard/dashboard-overview';
export { UNMATCHED_ROUTE } from './metrics/http-instrumentation';
export { EXPORT_FORMATS, exportSession, type ExportFormat } from './export/session-export';
export { toSrt, toVtt } from './export/subtitle-formats';
export type { Cue } from './export/cues';
