import type { SpeakerSegment, TranscriptSegment, TranslationResult } from '@app/engines';
import type {
  DetectedLanguagePayload,
  SpeakerResultPayload,
  TranscriptionResultPayload,
  TranslationResultPayload,
  WireError,
} from './result-events';

/** The work a result belongs to: a pipeline chunk, or a direct stream request (its id as chunk id). */
export interface ResultOrigin {
  chunkId: string;
  sessionId?: string;
}

/** A pipeline chunk: results and failures also name its job. */
export interface ChunkOrigin extends ResultOrigin {
  jobId: string;
}

/** A chunk's transcript as the pipeline keeps it (the engine's result plus the voice-activity meter). */
export interface TranscriptSource {
  text: string;
  language: string;
  segments: TranscriptSegment[];
  confidence: number;
  backend: string;
  audioLevelDb: number | null;
  speechDetected: boolean;
}

export type TranslationSource = Pick<
  TranslationResult,
  | 'text'
  | 'translatedText'
  | 'sourceLanguage'
  | 'targetLanguage'
  | 'confidence'
  | 'backend'
  | 'detectedLanguage'
>;

export function transcriptionResult(
  origin: ChunkOrigin,
  transcript: TranscriptSource,
): TranscriptionResultPayload {
  return {
    chunk_id: origin.chunkId,
    job_id: origin.jobId,
    session_id: origin.sessionId ?? null,
    text: transcript.text,
    language: transcript.language,
    segments: transcript.segments.map((s) => ({
      start: s.start,
      end: s.end,
      text: s.text,
      ...(s.speaker !== undefined ? { speaker: s.speaker } : {}),
    })),
    confidence: transcript.confidence,
    backend: transcript.backend,
    audio_level_db: transcript.audioLevelDb,
    speech_detected: transcript.speechDetected,
  };
}

export function translationResult(
  origin: ResultOrigin,
  translation: TranslationSource,
): TranslationResultPayload {
  return {
    request_id: origin.chunkId,
    chunk_id: origin.chunkId,
    session_id: origin.sessionId ?? null,
    text: translation.text,
    translated_text: translation.translatedText,
    source_lang: translation.sourceLanguage,
    target_lang: translation.targetLanguage,
    confidence: translation.confidence,
    backend: translation.backend,
    ...detectedLanguage(translation),
  };
}

/** `detected_language` of a translation whose source was unknown; nothing when the client named it. */
export function detectedLanguage(translation: Pick<TranslationResult, 'detectedLanguage'>): {
  detected_language?: DetectedLanguagePayload;
} {
  const detected = translation.detectedLanguage;
  if (!detected) return {};
  return {
    detected_language: {
      language: detected.language,
      confidence: Math.round(detected.confidence * 1000) / 1000,
      method: detected.method,
    },
  };
}

export function speakerResult(origin: ResultOrigin, segments: SpeakerSegment[]): SpeakerResultPayload {
  return {
    chunk_id: origin.chunkId,
    session_id: origin.sessionId ?? null,
    segments: segments.map((s) => ({ speaker: s.speaker, start: s.start, end: s.end })),
  };
}

/**
 * The `error` of a pipeline chunk whose stage (`transcription`, `translation:<lang>`, `diarization`) finally
 * failed, or whose outcome never came (TIMEOUT). It names the client event the chunk came from.
 */
export function chunkFailure(origin: ChunkOrigin, stage: string, code: string, message: string): WireError {
  return {
    code,
    message,
    event: stage === 'diarization' ? 'speaker_stream' : 'transcription_stream',
    request_id: origin.chunkId,
    chunk_id: origin.chunkId,
    job_id: origin.jobId,
    stage,
  };
}
