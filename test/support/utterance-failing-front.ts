import { startFakeEngine, type RecordedRequest } from './fake-engine-server';
import { decodeToneSpeech } from './tone-speech';
import { readPcm16Wav } from './tone-speech/wav-reader';

/** Which uploads fail, and how: the engine hears exactly `text` in them; answered with `status`. */
export interface UtteranceFailure {
  text: string;
  status: number;
}

export interface UtteranceFailingFront {
  url: string;
  /** Transcriptions failed on purpose so far. */
  readonly failed: number;
  /** Fails every transcription of the utterance the engine hears as `failure.text`; undefined recovers. */
  fail(failure: UtteranceFailure | undefined): void;
  close(): Promise<void>;
}

/**
 * A loopback front for a tone-speech engine (CONTRACTS §6) that fails every decode of one utterance,
 * recognised by what the engine hears in it, and passes everything else through: one final failing on
 * every instance and retry, while the utterances around it are decoded.
 */
export async function startUtteranceFailingFront(engineUrl: string): Promise<UtteranceFailingFront> {
  let failure: UtteranceFailure | undefined;
  let failed = 0;
  const hears = (request: RecordedRequest): string | undefined => {
    const file = request.fields.get('file');
    if (!file || typeof file === 'string') return undefined;
    const upload = readPcm16Wav(file.bytes);
    return typeof upload === 'string' ? undefined : decodeToneSpeech(upload.samples, upload.sampleRate).text;
  };
  const server = await startFakeEngine(
    async (request) => {
      if (request.method === 'POST' && failure && hears(request) === failure.text) {
        failed++;
        return { status: failure.status, json: { error: 'this utterance fails on purpose' } };
      }
      const answer = await fetch(`${engineUrl}${request.path}?${request.query.toString()}`, {
        method: request.method,
        headers: { 'content-type': String(request.headers['content-type'] ?? 'application/json') },
        body: request.method === 'POST' ? new Uint8Array(request.body) : undefined,
      });
      const text = await answer.text();
      const json = (answer.headers.get('content-type') ?? '').includes('json');
      return { status: answer.status, ...(json ? { json: JSON.parse(text) as unknown } : { text }) };
    },
    { keepAliveMs: 5000, record: false },
  );
  return {
    url: server.url,
    get failed() {
      return failed;
    },
    fail: (next) => {
      failure = next;
    },
    close: () => server.close(),
  };
}
