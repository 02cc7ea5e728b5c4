/** Normalised results of every engine adapter; the wire forms (CONTRACTS.md §3) are built from these. */
import type { StreamedUpload } from './upload/streamed-upload';

export interface AudioInput {
  /** The audio; empty when `upload` carries it. */
  data: Buffer;
  /**
   * An upload still arriving (the synchronous transcription routes): engine kinds that can take a body as
   * it arrives read it from here; the others wait for it whole.
   */
  upload?: StreamedUpload;
  /** wav, mp3, webm, ogg, flac, ... */
  format: string;
  /** MIME type sent to the engine, e.g. audio/wav. */
  contentType: string;
  sampleRate?: number;
  fileName?: string;
  /** Milliseconds of audio, when the caller knows: routing expects a call's time from it (real-time factor). */
  durationMs?: number;
}

export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
  speaker?: string;
}

export interface TranscriptionOptions {
  /** ISO 639-1, or undefined for detection. */
  language?: string;
  /** A model this call asks for by name, over the configured one (see stt/model-choice.ts). */
  model?: string;
  /** Text that came just before this audio (a live stream's previous final), for engines that take one. */
  prompt?: string;
  /** Sampling temperature, 0..1, for the kinds that take one (openai, whisper-cpp); else the engine's own. */
  temperature?: number;
  /** The platform's model name from the settings (`default_whisper_model`): for the platform's service only. */
  platformModel?: string;
  /** Ask for word timestamps (engines that give them: openai, whisper-cpp). */
  wordTimestamps?: boolean;
  sessionId?: string;
  requestId?: string;
  signal?: AbortSignal;
  /** The instance to send to (set by the pool's router; adapters pass it on). */
  instanceId?: string;
}

/** A word with its times in seconds from the start of the audio sent. */
export interface TranscriptWord {
  word: string;
  start: number;
  end: number;
}

export interface TranscriptionResult {
  text: string;
  /** ISO 639-1. */
  language: string;
  segments: TranscriptSegment[];
  /** Word timestamps, when asked for and the engine gives them (OpenAI `words`, whisper.cpp `segments[].words`). */
  words?: TranscriptWord[];
  /** 0..1, derived where the engine gives none (see README). */
  confidence: number;
  /** Engine kind and instance, e.g. `openai@whisper-0`. */
  backend: string;
  /** Seconds of audio, when known. */
  duration?: number;
  /** Milliseconds the engine call took. */
  processingMs: number;
  /** The engine heard no speech (e.g. livetranslate's "[Audio unclear - please try again]"). */
  noSpeech: boolean;
}

export interface TranslationRequest {
  text: string;
  /** ISO 639-1 or 'auto'. */
  sourceLanguage: string;
  targetLanguage: string;
  sessionId?: string;
  requestId?: string;
  signal?: AbortSignal;
  /** The instance to send to (set by the pool's router; adapters pass it on). */
  instanceId?: string;
}

/** How an unknown source language was settled for a translation. */
export interface SourceLanguageDetection {
  /** ISO 639-1. */
  language: string;
  /** 0..1; 0 when the language is the configured default rather than identified. */
  confidence: number;
  /** `engine`: the engine detected it; `identified`: the orchestrator did; `default`: neither could. */
  method: 'engine' | 'identified' | 'default';
}

export interface TranslationResult {
  text: string;
  translatedText: string;
  sourceLanguage: string;
  targetLanguage: string;
  confidence: number;
  backend: string;
  processingMs: number;
  /** Present when the request named no source language. */
  detectedLanguage?: SourceLanguageDetection;
  /** The pivot language, when no engine served the pair directly and it went through that language. */
  via?: string;
}

export interface LanguageInfo {
  code: string;
  name: string;
  /** Codes this language can be translated into, when the engine tells. */
  targets?: string[];
}

export interface SpeakerSegment {
  speaker: string;
  start: number;
  end: number;
}

export interface DiarizationOptions {
  minSpeakers?: number;
  maxSpeakers?: number;
  requestId?: string;
  signal?: AbortSignal;
  /** The instance to send to (set by the pool's router; adapters pass it on). */
  instanceId?: string;
}

export interface SpeechToTextEngine {
  readonly kind: string;
  transcribe(audio: AudioInput, options: TranscriptionOptions): Promise<TranscriptionResult>;
  /** The models of one instance, asked of it directly (not as traffic: see askInstance). */
  models(instanceId: string): Promise<{ models: string[]; defaultModel?: string }>;
}

export interface TranslationEngine {
  readonly kind: string;
  /** Whether the engine finds the source language itself when asked with `auto`. */
  readonly detectsSourceLanguage: boolean;
  translate(request: TranslationRequest): Promise<TranslationResult>;
  /** The languages of one instance, asked of it directly (not as traffic: see askInstance). */
  languages(instanceId: string): Promise<LanguageInfo[]>;
}

export interface SpeakerEngine {
  readonly kind: string;
  diarize(audio: AudioInput, options: DiarizationOptions): Promise<SpeakerSegment[]>;
}

/**
 * The adapter selected for each service right now. `services.<name>.kind` can change at run time, so read the
 * engine at the call (`engines.translation.translate(...)`) rather than keeping it.
 */
/** A pair the translation pool can translate, as GET /api/languages and the refusal of an unserved pair list it. */
export interface AvailablePair {
  source: string;
  target: string;
  /** The pivot language when no instance serves the pair directly. */
  via?: string;
}

/** What the translation pool serves, over all its instances. */
export interface PoolLanguages {
  pivotLanguage: string;
  languages: LanguageInfo[];
  pairs: AvailablePair[];
}

/** Translation over a pool of instances, which can also say what the whole pool serves. */
export interface TranslationPool extends TranslationEngine {
  /** Every language the whole pool translates, direct or by pivot. */
  languages(): Promise<LanguageInfo[]>;
  catalogue(): Promise<PoolLanguages>;
}

/** A model the speech-to-text pool serves, with the instances (`kind@instance`) that serve it. */
export interface PoolModel {
  id: string;
  backends: string[];
}

/** Speech-to-text over a pool of instances, which can also say which models the whole pool serves. */
export interface SpeechToTextPool extends SpeechToTextEngine {
  /** The models of one instance, or of whichever the pool picks. */
  models(instanceId?: string): Promise<{ models: string[]; defaultModel?: string }>;
  catalogue(): Promise<PoolModel[]>;
}

export interface Engines {
  readonly speechToText: SpeechToTextPool;
  readonly translation: TranslationPool;
  readonly speaker: SpeakerEngine;
}

export const ENGINES = Symbol('ENGINES');
