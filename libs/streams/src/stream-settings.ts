/** What a stream was started with (stream_start, validated). */
export interface StreamSettings {
  streamId: string;
  sessionId?: string;
  sampleRate: number;
  /** ISO 639-1, or undefined for detection. */
  language?: string;
  targetLanguages: string[];
  interimResults: boolean;
}
