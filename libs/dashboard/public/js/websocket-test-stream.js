import { toneSpeech, wavPcm } from './stream-sources.js';

/**
 * The test page's live-stream card (CONTRACTS §3a): stream_start, the audio as binary 100 ms stream_audio
 * frames at the chosen pace, then stream_stop. The server's stream events show in the message log like every
 * other event; frames are logged as their size, the first one and then a count, so the log stays readable.
 */
const FRAME_MS = 100;

export function initStreamCard({ form, socket, log }) {
  const status = form.querySelector('output[name="stream-state"]');
  const played = form.querySelector('[data-role="played"]');
  const startButton = form.querySelector('button[type="submit"]');
  const stopButton = form.querySelector('button[data-action="stop"]');
  let running = null;

  const showSource = () => {
    const tone = form.elements.source.value === 'tone';
    form.querySelector('[data-source="tone"]').hidden = !tone;
    form.querySelector('[data-source="wav"]').hidden = tone;
  };
  for (const radio of form.elements.source) radio.addEventListener('change', showSource);
  showSource();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (running || !socket()?.connected) {
      if (!running) status.textContent = 'Connect first.';
      return;
    }
    let audio;
    try {
      audio = await loadAudio();
    } catch (error) {
      status.textContent = `Cannot stream this: ${error.message}`;
      return;
    }
    running = { stop: false };
    startButton.disabled = true;
    stopButton.disabled = false;
    try {
      await stream(socket(), audio, running);
    } catch (error) {
      status.textContent = `Stream failed: ${error.message}`;
    } finally {
      running = null;
      startButton.disabled = false;
      stopButton.disabled = true;
    }
  });
  stopButton.addEventListener('click', () => {
    if (running) running.stop = true;
  });

  async function loadAudio() {
    if (form.elements.source.value === 'tone') {
      const speech = toneSpeech({
        sentences: Number(form.elements.sentences.value) || 3,
      });
      played.dataset.words = JSON.stringify(speech.sentences);
      played.textContent = `Tone speech: ${speech.words.length} words, vocabulary indices ${speech.sentences
        .map((sentence) => sentence.join(' '))
        .join(' / ')} (word i is a ${400} + 50·i Hz tone).`;
      return speech;
    }
    const file = form.elements.file.files[0];
    if (!file) throw new Error('choose a WAV file first');
    played.dataset.words = '';
    played.textContent = `File ${file.name}.`;
    return wavPcm(await file.arrayBuffer());
  }

  async function stream(io, { pcm, sampleRate }, control) {
    const speed = Number(form.elements.speed.value);
    const start = {
      stream_id: form.elements.stream_id.value.trim() || undefined,
      session_id: form.elements.session_id.value.trim() || undefined,
      encoding: 'pcm_s16le',
      sample_rate: sampleRate,
      channels: 1,
      language: form.elements.language.value.trim() || 'auto',
      target_languages: form.elements.targets.value
        .split(',')
        .map((code) => code.trim())
        .filter(Boolean),
      interim_results: form.elements.interim.checked,
    };
    log('out', 'stream_start', start);
    const ack = await io.timeout(10000).emitWithAck('stream_start', start);
    log('ack', 'stream_start', ack);
    if (!ack?.ok) throw new Error(ack?.error?.message ?? 'stream_start refused');
    const frameSamples = Math.round((sampleRate * FRAME_MS) / 1000);
    const began = performance.now();
    let frames = 0;
    for (let from = 0; from < pcm.length && !control.stop; from += frameSamples) {
      const chunk = pcm.slice(from, from + frameSamples);
      const offsetMs = (from * 1000) / sampleRate;
      io.emit('stream_audio', { stream_id: ack.stream_id, offset_ms: offsetMs, audio: chunk.buffer });
      if (frames++ === 0)
        log('out', 'stream_audio', {
          stream_id: ack.stream_id,
          offset_ms: offsetMs,
          audio: `<${chunk.byteLength} bytes>`,
        });
      status.textContent = `Sent ${(offsetMs / 1000).toFixed(1)} of ${(pcm.length / sampleRate).toFixed(1)} s`;
      // Paced against the clock, not by fixed sleeps, so a slow timer does not stretch the stream.
      if (speed > 0) {
        const due = began + (offsetMs + FRAME_MS) / speed;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      }
    }
    log('out', 'stream_audio', { frames, seconds: (pcm.length / sampleRate).toFixed(1) });
    log('out', 'stream_stop', { stream_id: ack.stream_id });
    const stopped = await io.timeout(60000).emitWithAck('stream_stop', { stream_id: ack.stream_id });
    log('ack', 'stream_stop', stopped);
    status.textContent = `Done: ${frames} frames sent.`;
  }
}
