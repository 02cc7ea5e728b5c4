import { el } from './dom.js';
import { testToneBase64 } from './test-tone.js';
import { initStreamCard } from './websocket-test-stream.js';

/**
 * The protocol test page: one card per client event of CONTRACTS §3 with an editable JSON payload, and a
 * log of everything sent, received (every server event, via onAny) and acknowledged.
 */
const CLIENT_URL = '/socket.io/socket.io.esm.min.js';
const ACK_TIMEOUT_MS = 30000;
const MAX_MESSAGES = 300;

function templates() {
  const audio = testToneBase64();
  return [
    ['subscribe', 'subscribe', { service: 'health' }],
    ['unsubscribe', 'unsubscribe', { service: 'health' }],
    ['heartbeat', 'service_message', { type: 'heartbeat' }],
    [
      'get_models',
      'service_message',
      { type: 'service_request', target_service: 'whisper', action: 'get_models', request_id: 'models-1' },
    ],
    [
      'get_languages',
      'service_message',
      {
        type: 'service_request',
        target_service: 'translation',
        action: 'get_languages',
        request_id: 'languages-1',
      },
    ],
    ['join_session', 'service_message', { type: 'join_session', session_id: 'test-session' }],
    ['leave_session', 'service_message', { type: 'leave_session' }],
    [
      'transcription_stream',
      'transcription_stream',
      {
        audio_data: audio,
        format: 'wav',
        sample_rate: 16000,
        chunk_id: 'chunk-1',
        session_id: 'test-session',
        target_languages: ['es'],
      },
    ],
    [
      'speaker_stream',
      'speaker_stream',
      { audio_data: audio, format: 'wav', chunk_id: 'chunk-1', session_id: 'test-session' },
    ],
    [
      'translation_stream',
      'translation_stream',
      { text: 'Hello world', source_lang: 'en', target_lang: 'es', request_id: 'translate-1' },
    ],
    [
      'stream_start',
      'stream_start',
      {
        stream_id: 'test-stream',
        session_id: 'test-session',
        encoding: 'pcm_s16le',
        sample_rate: 16000,
        channels: 1,
        language: 'en',
        target_languages: ['es'],
      },
    ],
    ['stream_stop', 'stream_stop', { stream_id: 'test-stream' }],
  ];
}

let socket = null;
const messages = document.getElementById('messages');
const indicator = document.getElementById('connection-indicator');
const connectButton = document.getElementById('connect-button');
const disconnectButton = document.getElementById('disconnect-button');

function log(direction, event, payload) {
  const text = JSON.stringify(
    payload,
    (key, value) =>
      typeof value === 'string' && value.length > 200
        ? `${value.slice(0, 200)}… (${value.length} chars)`
        : value,
    2,
  );
  messages.prepend(
    el(
      'li',
      { 'data-dir': direction, 'data-event': event },
      el('span', { class: 'time' }, new Date().toLocaleTimeString()),
      el(
        'span',
        { class: 'dir' },
        direction === 'out' ? '→ sent' : direction === 'ack' ? '↩ ack' : '← received',
      ),
      ` ${event}`,
      el('pre', {}, text ?? ''),
    ),
  );
  while (messages.children.length > MAX_MESSAGES) messages.lastElementChild.remove();
}

function setState(state, label) {
  indicator.dataset.state = state;
  indicator.querySelector('.label').textContent = label;
  const connected = state === 'connected';
  disconnectButton.disabled = !socket;
  connectButton.disabled = connected;
  for (const button of document.querySelectorAll('[data-send]')) button.disabled = !connected;
}

async function connect(token) {
  let io;
  try {
    ({ io } = await import(CLIENT_URL));
  } catch {
    setState('unavailable', 'This orchestrator serves no Socket.IO');
    return;
  }
  socket?.disconnect();
  socket = io({ path: '/socket.io', auth: token ? { token } : undefined });
  socket.onAny((event, payload) => log('in', event, payload));
  socket.on('connect', () => setState('connected', `Connected (${socket.id})`));
  socket.on('disconnect', (reason) => setState('disconnected', `Disconnected: ${reason}`));
  socket.on('connect_error', (error) =>
    // A refused handshake carries the reason in data (e.g. an API key is needed: fill in the token).
    setState('disconnected', `Cannot connect: ${error.data?.message ?? error.message}`),
  );
  setState('connecting', 'Connecting…');
}

function send(event, text) {
  let payload;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    log('ack', 'invalid JSON (not sent)', { error: error.message });
    return;
  }
  log('out', event, payload);
  if (!document.getElementById('use-ack').checked) {
    socket.emit(event, payload);
    return;
  }
  socket
    .timeout(ACK_TIMEOUT_MS)
    .emitWithAck(event, payload)
    .then(
      (reply) => log('ack', event, reply),
      (error) => log('ack', event, { error: error.message }),
    );
}

function renderCards() {
  const cards = templates().map(([name, event, payload]) => {
    const id = `payload-${name}`;
    const textarea = el('textarea', {
      id,
      rows: event.endsWith('_stream') && event !== 'translation_stream' ? 4 : 3,
    });
    textarea.value = JSON.stringify(payload, null, 2);
    const button = el('button', { type: 'submit', 'data-send': name, disabled: true }, `Send ${name}`);
    const form = el(
      'form',
      { class: 'event-card', 'data-template': name, novalidate: true },
      el('h3', {}, name === event ? event : `${event} · ${name}`),
      el('label', { for: id, class: 'sr-only' }, `${name} payload (JSON)`),
      textarea,
      button,
    );
    form.addEventListener('submit', (submitEvent) => {
      submitEvent.preventDefault();
      send(event, textarea.value);
    });
    return form;
  });
  document.getElementById('event-cards').replaceChildren(...cards);
}

renderCards();
initStreamCard({ form: document.getElementById('stream-card'), socket: () => socket, log });
document.getElementById('connect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void connect(event.target.elements.token.value.trim());
});
disconnectButton.addEventListener('click', () => {
  socket?.disconnect();
  socket = null;
  setState('disconnected', 'Not connected');
});
document.getElementById('custom-event').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!socket?.connected) return log('ack', 'not sent', { error: 'Connect first' });
  send(event.target.elements.event.value.trim(), event.target.elements.payload.value);
});
document.getElementById('clear-messages').addEventListener('click', () => messages.replaceChildren());
void connect('');
