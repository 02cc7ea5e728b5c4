import { describeProblem, describeStatus } from '../caption-status.js';
import { CaptionsView, captionsText, renderHistory } from '../captions-view.js';
import { CaptureError, MicrophoneCapture } from '../capture/microphone-capture.js';
import { LiveStream } from '../capture/live-stream.js';
import { el, formatNumber } from '../dom.js';

/** A frame louder than this is shown as speech on the indicator when the server's threshold is unknown. */
const DEFAULT_SPEECH_DB = -50;

/**
 * Live captions: the microphone as a live stream (CONTRACTS §3a) for this dashboard's session. Interim
 * captions are replaced in place by finals, translations follow their final, the strip under the title
 * says how far behind the captions are, and every failure says what to do.
 */
export function initLiveCaptions(ctx) {
  const form = document.getElementById('caption-form');
  const button = form.querySelector('#record-button');
  const meter = form.querySelector('#level-meter');
  const levelText = form.querySelector('#level-text');
  const vad = form.querySelector('#vad-indicator');
  const recordState = form.querySelector('#record-state');
  const block = document.getElementById('live-captions');
  const strip = block.querySelector('#live-strip');
  const problem = block.querySelector('#caption-problem');
  const copyButton = block.querySelector('#copy-captions');
  const downloads = [...block.querySelectorAll('a[data-format]')];
  const historyBlock = block.querySelector('#caption-history-block');
  const historyList = block.querySelector('#caption-history');
  const view = new CaptionsView(block.querySelector('#captions'), block.querySelector('#caption-announcer'));
  const speechDb = ctx.vadThresholdDb ?? DEFAULT_SPEECH_DB;
  const idleText = view.list.dataset.empty;

  let capture = null;
  let stream = null;
  let busy = false;
  /** The whisper service's health as the health panel last saw it (up | degraded | down | unknown). */
  let speechEngine = 'unknown';
  ctx.bus.addEventListener('services', ({ detail }) => {
    speechEngine = detail.find((entry) => entry.service === 'whisper')?.status ?? 'unknown';
  });

  // Every stream of this dashboard's session is shown: the server sends a session's captions to its room.
  ctx.live.on('transcript_interim', (payload) => view.interim(payload));
  ctx.live.on('transcript_final', (payload) => {
    view.final(payload);
    enableExports();
  });
  ctx.live.on('translation_final', (payload) => view.translation(payload));
  ctx.live.on('stream_status', (status) => {
    if (stream && status.stream_id === stream.streamId) showStatus(status);
  });
  ctx.live.on('error', (error) => {
    // Errors of other requests belong to their panels; a stream's carry its id.
    if (stream && error.stream_id === stream.streamId) showProblem(error);
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    button.disabled = true;
    void (capture ? stop() : start()).finally(() => {
      busy = false;
      updateAvailability();
    });
  });

  async function start() {
    showProblem(null);
    if (!ctx.live.connected) return showProblem({ code: 'not_connected' });
    recordState.textContent = 'Asking for the microphone…';
    const started = new MicrophoneCapture({ onFrame: (frame) => onFrame(frame) });
    const pending = [];
    let onFrame = (frame) => {
      showLevel(frame.levelDb);
      pending.push(frame);
    };
    try {
      await started.start({ speakers: form.elements.speakers.checked });
    } catch (error) {
      recordState.textContent = '';
      return showProblem(error instanceof CaptureError ? error : CaptureError.from(error));
    }
    capture = started;
    setRunning(true);
    try {
      // Earlier streams of this session (this page's included) move up into the history.
      showHistory(await ctx.joinSession());
      view.clear();
      stream = new LiveStream(ctx.live, {
        sessionId: ctx.sessionId,
        sampleRate: capture.sampleRate,
        language: form.elements.language.value,
        targetLanguages: form.elements.target_language.value ? [form.elements.target_language.value] : [],
      });
      stream.addEventListener('state', ({ detail }) => onStreamState(detail));
      await stream.start();
    } catch (error) {
      await capture.stop();
      capture = null;
      stream = null;
      setRunning(false);
      recordState.textContent = '';
      return showProblem(error);
    }
    // Frames captured while the stream was being opened go first, in order.
    for (const frame of pending.splice(0)) stream.push(frame);
    onFrame = (frame) => {
      showLevel(frame.levelDb);
      stream?.push(frame);
    };
    recordState.textContent = `Streaming ${capture.sampleRate / 1000} kHz audio; captions appear as you speak.`;
    // Said before the first words go unanswered rather than after.
    if (speechEngine === 'down')
      showProblem({
        code: 'engine_down',
        text: 'No speech-to-text engine is up at the moment, so captions cannot be made yet.',
        action:
          'See Service Health: start the speech engine or fix WHISPER_SERVICE_URL; captions start once it answers.',
      });
    updateExports();
  }

  async function stop() {
    recordState.textContent = 'Finishing the last words…';
    const ending = stream;
    await capture.stop();
    capture = null;
    setRunning(false);
    showLevel(null);
    const result = await ending?.stop();
    stream = null;
    recordState.textContent = result
      ? `Stopped: ${formatNumber(result.audio_ms / 1000, 1)} s of audio, ${result.finals} caption${result.finals === 1 ? '' : 's'}.`
      : 'Stopped.';
  }

  function onStreamState(detail) {
    switch (detail.state) {
      case 'interrupted':
        showProblem({
          code: 'interrupted',
          text: 'Connection lost: captions are paused.',
          action: 'Keep talking if you like: the audio is kept and sent as soon as the connection is back.',
        });
        break;
      case 'resumed':
        showProblem(
          detail.lostMs > 0
            ? {
                code: 'resumed',
                text: `Connection back, but ${formatNumber(detail.lostMs / 1000, 1)} s of audio was too old to keep.`,
                action: 'Captions continue from here.',
              }
            : {
                code: 'resumed',
                text: `Connection back: ${formatNumber(detail.resentMs / 1000, 1)} s of held audio sent again, nothing lost.`,
                action: '',
                tone: 'info',
              },
        );
        break;
      case 'failed':
        showProblem(detail.error);
        void stopAfterFailure();
        break;
      default:
        break;
    }
  }

  async function stopAfterFailure() {
    await capture?.stop();
    capture = null;
    stream = null;
    setRunning(false);
    showLevel(null);
    recordState.textContent = 'Live captions stopped.';
    updateAvailability();
  }

  function showStatus(status) {
    strip.hidden = false;
    strip.replaceChildren(
      ...describeStatus(status).map(({ part, text, tone }) => el('li', { dataset: { part, tone } }, text)),
    );
  }

  /** problem: null clears; { text, action } as is; anything else through describeProblem. */
  function showProblem(error) {
    if (!error) {
      problem.hidden = true;
      return;
    }
    const described = error.text ? error : describeProblem(error);
    problem.hidden = false;
    problem.dataset.kind = error.code ?? error.reason ?? 'error';
    problem.dataset.tone = error.tone ?? 'error';
    problem.querySelector('[data-role="text"]').textContent = described.text;
    problem.querySelector('[data-role="action"]').textContent = described.action;
  }

  function showHistory(session) {
    const count = renderHistory(historyList, session?.history ?? []);
    historyBlock.hidden = count === 0;
    historyBlock.open = count > 0;
    historyBlock.querySelector('[data-role="count"]').textContent = String(count);
    if (count > 0) enableExports();
  }

  function showLevel(db) {
    const level = db ?? -90;
    meter.value = level;
    levelText.textContent = db === null ? '— dB' : `${formatNumber(level, 0)} dB`;
    const speech = db !== null && level > speechDb;
    vad.dataset.speech = String(speech);
    vad.textContent = speech ? 'Speech' : 'Silence';
  }

  function setRunning(on) {
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Stop live captions' : 'Start live captions';
    view.list.dataset.empty = on ? 'Listening… captions appear as the words are decoded.' : idleText;
    if (!on) strip.hidden = true;
  }

  /** The session's export (GET /api/sessions/:id/export), in the chosen translation too. */
  function updateExports() {
    const base = `/api/sessions/${encodeURIComponent(ctx.sessionId)}/export`;
    const target = form.elements.target_language.value;
    for (const link of downloads) {
      const lang = link.id === 'download-translation' ? target : '';
      link.href = `${base}?format=${link.dataset.format}${lang ? `&lang=${encodeURIComponent(lang)}` : ''}`;
      link.download = `${ctx.sessionId}${lang ? `.${lang}` : ''}.${link.dataset.format}`;
    }
    const translation = block.querySelector('#download-translation');
    translation.hidden = !target;
    translation.textContent = target ? `${target} SRT` : 'Translation SRT';
  }

  function enableExports() {
    updateExports();
    copyButton.disabled = false;
    for (const link of downloads) link.removeAttribute('aria-disabled');
  }

  copyButton.addEventListener('click', async () => {
    try {
      const text = captionsText(historyList, view.list);
      await navigator.clipboard.writeText(text);
      const lines = text.split('\n').filter((line) => line.startsWith('[')).length;
      recordState.textContent = `Copied ${lines} caption${lines === 1 ? '' : 's'}.`;
    } catch {
      recordState.textContent = 'The browser refused the clipboard; use Download instead.';
    }
  });
  for (const link of downloads)
    link.addEventListener('click', (event) => {
      if (link.getAttribute('aria-disabled') === 'true') event.preventDefault();
    });
  form.elements.target_language.addEventListener('change', updateExports);

  function updateAvailability() {
    const supported = MicrophoneCapture.supported();
    button.disabled = busy || !supported || (!ctx.live.connected && !capture);
    button.title = !supported
      ? 'This browser cannot capture audio'
      : ctx.live.connected || capture
        ? ''
        : 'Live captions need the live connection';
  }
  ctx.live.addEventListener('state', updateAvailability);
  updateAvailability();

  // A reloaded tab keeps its session: show what was captioned before, once the connection is up.
  if (ctx.sessionKept) {
    const showKeptHistory = async ({ detail }) => {
      if (detail.state !== 'connected') return;
      ctx.live.removeEventListener('state', showKeptHistory);
      showHistory(await ctx.joinSession().catch(() => null));
    };
    ctx.live.addEventListener('state', showKeptHistory);
  }
}
