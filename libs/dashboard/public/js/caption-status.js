/**
 * What the live stream's figures and failures mean, in sentences a person can act on. The live strip shows
 * `stream_status` (CONTRACTS §3a); the problem line shows why captions stopped or suffer, and what to do.
 */

/** Below this lag the captions read as keeping up with the speaker. */
const KEEPING_UP_MS = 1000;
/** Captions this far behind are no longer live in any useful sense. */
const DEGRADED_LAG_MS = 5000;

const seconds = (ms) => `${(Math.max(0, Number(ms) || 0) / 1000).toFixed(1)} s`;

/**
 * stream_status { lag_ms, rtf, gaps_ms, shed_interim, state } → [{ part, text, tone: ok | warn | bad }]
 * (part names the figure, for styling and tests).
 */
export function describeStatus(status) {
  const lines = [];
  const lag = Number(status.lag_ms) || 0;
  lines.push({
    part: 'lag',
    text:
      lag < KEEPING_UP_MS
        ? `Captions are keeping up (${seconds(lag)} behind)`
        : `Captions are ${seconds(lag)} behind`,
    tone: lag < KEEPING_UP_MS ? 'ok' : lag < 3 * KEEPING_UP_MS ? 'warn' : 'bad',
  });
  if (typeof status.rtf === 'number' && status.rtf > 0) {
    const rtf = status.rtf;
    lines.push({
      part: 'rtf',
      text:
        rtf < 1
          ? `the speech engine works ${formatTimes(1 / rtf)} faster than speech`
          : `the speech engine is ${formatTimes(rtf)} slower than speech, so captions fall behind`,
      tone: rtf < 0.5 ? 'ok' : rtf < 1 ? 'warn' : 'bad',
    });
  }
  const shed = Number(status.shed_interim) || 0;
  lines.push({
    part: 'shed',
    text:
      shed === 0
        ? 'no interim updates skipped'
        : `${shed} interim update${shed === 1 ? '' : 's'} skipped to keep up`,
    tone: shed === 0 ? 'ok' : 'warn',
  });
  const gaps = Number(status.gaps_ms) || 0;
  if (gaps > 0)
    lines.push({
      part: 'gaps',
      text: `${seconds(gaps)} of audio never arrived (heard as silence)`,
      tone: 'warn',
    });
  lines.push({ part: 'state', ...stateText(status, lag) });
  return lines;
}

function formatTimes(factor) {
  return `${factor >= 10 ? Math.round(factor) : factor.toFixed(1)}×`;
}

/**
 * The stream's condition in one phrase. The server says active | detached | stopping (and may say degraded);
 * an engine slower than speech, or captions far behind, is degraded whatever the server's word.
 */
function stateText(status, lag) {
  const slow = typeof status.rtf === 'number' && status.rtf >= 1;
  if (status.state === 'degraded' || slow || lag >= DEGRADED_LAG_MS)
    return {
      text: 'degraded: the engines cannot keep up, so captions come late and interim updates are thinned out',
      tone: 'bad',
    };
  switch (status.state) {
    case 'detached':
      return { text: 'the server is waiting for this page to reconnect', tone: 'warn' };
    case 'stopping':
      return { text: 'finishing the last words', tone: 'ok' };
    default:
      return { text: 'working normally', tone: 'ok' };
  }
}

/** Gateway codes (libs/gateway) meaning no engine instance could be reached, or all were busy. */
const ENGINE_MISSING = new Set(['BACKEND_UNAVAILABLE', 'CIRCUIT_OPEN', 'BAD_GATEWAY', 'NO_ENGINE']);
const ENGINE_BUSY = new Set(['OVERLOADED', 'BACKEND_TIMEOUT']);

/**
 * The problem line for a failure: { text, action } where action says what to do. `error` is a
 * CaptureError (reason), or a server error { code, message } from an ack or an `error` event.
 */
export function describeProblem(error) {
  if (error?.event === 'translation_final')
    return {
      text: `A caption could not be translated into ${error.target_lang ?? 'the chosen language'} (${error.message}).`,
      action: 'Captions continue; see the translation service in Service Health.',
    };
  if (error?.event === 'transcript_final' || error?.event === 'stream_start') {
    if (ENGINE_MISSING.has(error.code))
      return {
        text: `No speech-to-text engine answers, so what was just said has no caption (${error.message}).`,
        action:
          'See Service Health: start the speech engine or fix WHISPER_SERVICE_URL. Captions continue as soon as it answers.',
      };
    if (ENGINE_BUSY.has(error.code))
      return {
        text: `The speech engines are overloaded, so what was just said has no caption (${error.message}).`,
        action: 'Captions continue when the load drops; stop other streams or add an engine instance.',
      };
  }
  switch (error?.reason ?? error?.code) {
    case 'denied':
      return {
        text: 'The browser is not allowed to use the microphone.',
        action:
          'Allow microphone access for this site (the microphone icon in the address bar or the site settings), then press Start live captions again.',
      };
    case 'absent':
      return {
        text: 'No microphone was found.',
        action:
          'Connect a microphone (or choose one in the system sound settings), then press Start live captions again.',
      };
    case 'busy':
      return {
        text: 'The microphone could not be opened; another application may be using it.',
        action: 'Close the other application or pick another input, then try again.',
      };
    case 'unsupported':
      return {
        text: 'This browser cannot capture audio for live captions.',
        action: 'Use a current Chrome, Edge, Firefox or Safari, or upload a recording instead.',
      };
    case 'STREAM_LIMIT':
      return {
        text: 'The orchestrator already has as many live streams open as it allows.',
        action:
          'Try again in a moment, or ask the operator to raise streams.max_streams in the configuration.',
      };
    case 'not_connected':
      return {
        text: 'Live captions need the live connection to the orchestrator.',
        action: 'Wait for the Live dot in the header, then press Start live captions.',
      };
    default:
      return {
        text: `Live captions failed: ${error?.message ?? 'unknown error'}${error?.code ? ` (${error.code})` : ''}.`,
        action:
          'Try Start live captions again; if it keeps failing, check Service Health and the Activity Logs.',
      };
  }
}
