import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@app/common';
import { toIso3 } from '@app/engines';
import {
  RESPONSE_FORMATS,
  TIMESTAMP_GRANULARITIES,
  type ResponseFormat,
  type TimestampGranularity,
} from './transcription-formats';
import type { TranscriptionRoute } from '../upload/streamed-transcriber';

/** The text fields of `POST /v1/audio/transcriptions`, checked as OpenAI checks them. */
export interface TranscriptionRequest {
  model: string;
  language?: string;
  prompt?: string;
  temperature?: number;
  responseFormat: ResponseFormat;
  granularities: TimestampGranularity[];
}

/** Fields OpenAI takes that change nothing here: `stream` only as false, `include[]` (logprobs of gpt-4o). */
const IGNORED = new Set(['stream', 'include[]', 'chunking_strategy']);
const KNOWN = new Set([
  'model',
  'language',
  'prompt',
  'temperature',
  'response_format',
  'timestamp_granularities[]',
  'timestamp_granularities',
  ...IGNORED,
]);

/** The extensions OpenAI accepts, in the order its error message lists them. */
export const OPENAI_AUDIO_EXTENSIONS = [
  'flac',
  'm4a',
  'mp3',
  'mp4',
  'mpeg',
  'mpga',
  'oga',
  'ogg',
  'wav',
  'webm',
];

export function invalidParam(param: string, message: string, code = 'invalid_value'): ApiError {
  return new ApiError(HttpStatus.BAD_REQUEST, code.toUpperCase(), message, { param });
}

function single(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParam(name, `'${name}' must be given once, as a string`);
  return value;
}

function list(value: unknown): string[] {
  if (value === undefined) return [];
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

/** Reads and checks the fields; the first bad one is refused by name, as OpenAI's API does. */
export function readTranscriptionRequest(fields: Record<string, unknown>): TranscriptionRequest {
  for (const name of Object.keys(fields)) {
    if (!KNOWN.has(name)) {
      throw invalidParam(name, `Unrecognized request argument supplied: ${name}`, 'unknown_parameter');
    }
  }
  const model = single(fields, 'model');
  if (!model) throw invalidParam('model', 'you must provide a model parameter', 'missing_required_parameter');
  const language = single(fields, 'language') || undefined;
  if (language !== undefined && (!/^[a-z]{2}$/.test(language) || !toIso3(language))) {
    throw invalidParam(
      'language',
      `Invalid language '${language}'. Language parameter must be specified in ISO-639-1 format.`,
    );
  }
  const format = single(fields, 'response_format') ?? 'json';
  if (!(RESPONSE_FORMATS as readonly string[]).includes(format)) {
    throw invalidParam(
      'response_format',
      `Invalid value: '${format}'. Supported values are: ${RESPONSE_FORMATS.map((f) => `'${f}'`).join(', ')}.`,
    );
  }
  const granularities = [
    ...list(fields['timestamp_granularities[]']),
    ...list(fields.timestamp_granularities),
  ];
  for (const granularity of granularities) {
    if (!(TIMESTAMP_GRANULARITIES as readonly string[]).includes(granularity)) {
      throw invalidParam(
        'timestamp_granularities[]',
        `Invalid value: '${granularity}'. Supported values are: 'word' and 'segment'.`,
      );
    }
  }
  if (granularities.length > 0 && format !== 'verbose_json') {
    throw invalidParam(
      'timestamp_granularities[]',
      'timestamp_granularities is only supported with response_format=verbose_json',
    );
  }
  const temperatureText = single(fields, 'temperature');
  const temperature = temperatureText === undefined ? undefined : Number(temperatureText);
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 1)) {
    throw invalidParam('temperature', `Invalid 'temperature': must be a number from 0 to 1`);
  }
  if ((single(fields, 'stream') ?? 'false') !== 'false') {
    throw invalidParam(
      'stream',
      'Streaming transcriptions are not supported by this server',
      'unsupported_value',
    );
  }
  return {
    model,
    ...(language ? { language } : {}),
    ...(fields.prompt !== undefined ? { prompt: single(fields, 'prompt') } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    responseFormat: format as ResponseFormat,
    granularities: [...new Set(granularities)] as TimestampGranularity[],
  };
}

/** OpenAI refuses a file whose extension it does not know, listing the ones it takes. */
function fileNameProblem(fileName: string): ApiError | undefined {
  const extension = fileName.includes('.') ? fileName.split('.').pop()!.toLowerCase() : '';
  if (OPENAI_AUDIO_EXTENSIONS.includes(extension)) return undefined;
  return invalidParam(
    'file',
    `Invalid file format. Supported formats: ${JSON.stringify(OPENAI_AUDIO_EXTENSIONS)}`,
    'invalid_file_format',
  );
}

/**
 * `POST /v1/audio/transcriptions` as a transcription route: the call can start when the file begins if the
 * model came before it (the Python SDK and curl send fields first; the Node SDK, for a File listed first,
 * puts the model after it). A field that changes only how the answer is written (`response_format`) may
 * come after the file without the call being made again.
 */
export const OPENAI_TRANSCRIPTION: TranscriptionRoute<TranscriptionRequest> = {
  read: readTranscriptionRequest,
  call: (asked) => ({
    model: asked.model,
    language: asked.language,
    prompt: asked.prompt,
    temperature: asked.temperature,
    wordTimestamps: asked.granularities.includes('word'),
  }),
  startsAtFile: (fieldsBefore) => fieldsBefore.model !== undefined,
  refusedFile: ({ fieldName, fileName, second }) =>
    fieldName !== 'file' || second
      ? invalidParam(fieldName, `Unexpected file field '${fieldName}': the audio goes in 'file'`)
      : fileNameProblem(fileName),
  missingFile: () => invalidParam('file', 'you must provide a file parameter', 'missing_required_parameter'),
};
