import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ConfigStore } from '@app/config';
import {
  ENGINES,
  uploadedAudio,
  type Engines,
  type TranscriptionOptions,
  type TranscriptionResult,
} from '@app/engines';
import { readTranscriptionForm, type FilePart, type FormEvents } from './transcription-form';

/** What a route's fields decide about the engine call (the request id and the signal are added here). */
export type AskedTranscription = Omit<
  TranscriptionOptions,
  'requestId' | 'signal' | 'instanceId' | 'sessionId'
>;

/**
 * What differs between the synchronous transcription routes (`/v1/audio/transcriptions`, `/api/transcribe`):
 * how their fields read and their errors. How the upload gets to the engine does not.
 */
export interface TranscriptionRoute<A> {
  /** Reads and checks the text fields, throwing the route's 4xx naming the first bad one. */
  read(fields: Record<string, unknown>): A;
  /** The engine call the fields ask for. */
  call(asked: A): AskedTranscription;
  /** Whether the fields before the file say enough to start the call when the file begins. */
  startsAtFile(fieldsBefore: Record<string, unknown>): boolean;
  refusedFile: FormEvents['refusedFile'];
  /** The route's 4xx for a form with no file, or an empty one. */
  missingFile(): Error;
}

function sameCall(a: AskedTranscription, b: AskedTranscription): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Transcribes a multipart upload as it arrives, for every synchronous transcription route: the engine call
 * starts when the file part begins, if the fields before it say enough (the route decides), and the audio
 * then streams through to the engine (engine kinds that cannot take it so get it whole: AudioInput.upload).
 * Fields after the file that change the call (not only how the answer is written) make it again, from the
 * upload kept whole; a form that starts with its file is transcribed once it has been read.
 */
@Injectable()
export class StreamedTranscriber {
  constructor(
    @Inject(ENGINES) private readonly engines: Engines,
    private readonly config: ConfigStore,
  ) {}

  async transcribe<A>(
    request: FastifyRequest,
    route: TranscriptionRoute<A>,
  ): Promise<{ asked: A; result: TranscriptionResult }> {
    const { maxAudioBytes, maxAudioSeconds } = this.config.current.pipeline;
    let early:
      | { asked: A; call: AskedTranscription; result: Promise<TranscriptionResult>; abort: AbortController }
      | undefined;
    let asked: A;
    let file: FilePart | undefined;
    try {
      const form = await readTranscriptionForm(
        request,
        { maxAudioBytes, maxAudioSeconds },
        {
          refusedFile: (part) => route.refusedFile(part),
          onFile: (started, fieldsBefore) => {
            if (!route.startsAtFile(fieldsBefore)) return;
            const askedBefore = route.read(fieldsBefore);
            const call = route.call(askedBefore);
            const abort = new AbortController();
            const result = this.send(started, call, request, abort.signal);
            result.catch(() => undefined);
            early = { asked: askedBefore, call, result, abort };
          },
        },
      );
      // Read (and checked) once already when nothing came after the file.
      asked = early && form.fieldsAfterFile.length === 0 ? early.asked : route.read(form.fields);
      file = form.file;
      if (!file || (await file.upload.done, file.upload.size === 0)) throw route.missingFile();
    } catch (error) {
      early?.abort.abort();
      throw error;
    }
    const call = route.call(asked);
    if (early && sameCall(early.call, call)) return { asked, result: await early.result };
    early?.abort.abort();
    return { asked, result: await this.send(file, call, request) };
  }

  private send(
    file: FilePart,
    call: AskedTranscription,
    request: FastifyRequest,
    signal?: AbortSignal,
  ): Promise<TranscriptionResult> {
    const audio = uploadedAudio({ data: Buffer.alloc(0), fileName: file.fileName, mimeType: file.mimeType });
    return this.engines.speechToText.transcribe(
      { ...audio, upload: file.upload },
      { ...call, requestId: String(request.id), signal },
    );
  }
}
