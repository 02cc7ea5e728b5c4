import { getJson, postForm } from '../api.js';
import { apiKeyForm } from '../api-key.js';
import { bindBackendState } from '../backend-state.js';
import { formatNumber } from '../dom.js';
import { assignSpeakers, TranscriptView } from '../transcript-view.js';

/** A job is polled quickly at first (short files finish in a second) and then less often. */
const POLL_START_MS = 400;
const POLL_MAX_MS = 3000;
const POLL_GIVE_UP_MS = 10 * 60 * 1000;

/**
 * Transcription of files: an uploaded file becomes a pipeline job (POST /api/pipeline/jobs, then GET until it
 * ends). Chunks sent to this dashboard's session with transcription_stream come back as transcription_result,
 * translation_result and speaker_result and are shown the same way. The microphone is a live stream: see
 * live-captions.js.
 */
export function initTranscriptionPanel(ctx) {
  const panel = document.getElementById('transcription');
  const form = panel.querySelector('#upload-form');
  const jobState = form.querySelector('output[name="job-state"]');
  const view = new TranscriptView(
    panel.querySelector('#transcript'),
    panel.querySelector('#speaker-timeline'),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = form.elements.file.files[0];
    if (!file) {
      jobState.textContent = 'Choose an audio file first.';
      form.elements.file.focus();
      return;
    }
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    try {
      await runUploadJob(file);
    } finally {
      submit.disabled = false;
    }
  });

  /** Beside the upload form (forms cannot nest); replaced on every refusal, removed once used. */
  let keyForm = null;
  function askForKey() {
    keyForm?.remove();
    keyForm = apiKeyForm(() => {
      keyForm.remove();
      form.requestSubmit();
    });
    form.after(keyForm);
  }

  async function runUploadJob(file) {
    const body = new FormData();
    body.append('file', file);
    const language = form.elements.language.value;
    if (language && language !== 'auto') body.append('language', language);
    const target = form.elements.target_language.value;
    if (target) body.append('target_languages', target);
    body.append('diarize', String(form.elements.diarize.checked));
    jobState.textContent = `Uploading ${file.name}…`;
    const created = await postForm('/api/pipeline/jobs', body);
    if (!created.ok) {
      jobState.textContent =
        created.problem === 'missing'
          ? 'This orchestrator has no pipeline: file transcription is unavailable.'
          : `Upload failed: ${created.message}`;
      // 401/403: the server runs with API_KEYS; ask for a key, then send the file again.
      if (created.status === 401 || created.status === 403) askForKey();
      return;
    }
    const job = await pollJob(created.data.job_id);
    if (!job) return;
    const transcript = job.result?.transcript;
    // A job fails as a whole when any stage does, but what the other stages produced is still worth showing.
    if (transcript) showJobResult(job);
    const heard = transcript
      ? ` (level ${formatNumber(transcript.audio_level_db, 0)} dB, ${transcript.speech_detected ? 'speech' : 'no speech'})`
      : '';
    jobState.textContent =
      job.state === 'failed'
        ? `${transcript ? 'Finished with errors' : 'Job failed'}: ${job.error ?? 'unknown error'}`
        : `Done: ${file.name}${heard}`;
  }

  async function pollJob(jobId) {
    const started = Date.now();
    let delay = POLL_START_MS;
    while (Date.now() - started < POLL_GIVE_UP_MS) {
      const result = await getJson(`/api/pipeline/jobs/${encodeURIComponent(jobId)}`);
      if (!result.ok) {
        jobState.textContent = `Could not follow job ${jobId}: ${result.message}`;
        return null;
      }
      const job = result.data;
      if (job.state === 'completed' || job.state === 'failed') return job;
      jobState.textContent = `Job ${job.state}${stageSummary(job)}…`;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(POLL_MAX_MS, delay * 1.5);
    }
    jobState.textContent = `Job ${jobId} is still running; check GET /api/pipeline/jobs/${jobId} later.`;
    return null;
  }

  /** result: { transcript, translations: { [lang]: translation_result fields }, speakers: [{ speaker, start, end }] | null } */
  function showJobResult(job) {
    const { transcript, translations, speakers } = job.result;
    const turns = speakers ?? [];
    const labelled = {
      ...transcript,
      chunk_id: job.job_id,
      segments: assignSpeakers(transcript.segments ?? [], turns),
    };
    const results = Object.values(translations ?? {});
    view.add(labelled, 0, results);
    for (const translation of results) ctx.translation.record(translation);
    if (turns.length) view.addSpeakers(turns);
  }

  // Chunk results for this dashboard's session (transcription_stream, e.g. from another client in it).
  ctx.live.on('transcription_result', (result) => {
    view.add(result);
  });
  ctx.live.on('translation_result', (result) => {
    if (result.chunk_id) view.addTranslations(result.chunk_id, [result]);
  });
  ctx.live.on('speaker_result', (result) => view.addSpeakers(result.segments ?? []));

  bindBackendState(ctx, panel, 'whisper');
}

function stageSummary(job) {
  const stages = job.stages ?? {};
  const active = Object.entries(stages).find(([, state]) => (state?.state ?? state) === 'active');
  return active ? ` (${active[0]})` : '';
}
