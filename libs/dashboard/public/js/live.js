import { apiKey } from './api-key.js';

/**
 * The dashboard's one Socket.IO connection. The client library is the one the orchestrator's Socket.IO server
 * serves itself, so no third-party host is involved; when the server has no real-time module, the import
 * fails and the state becomes 'unavailable' rather than breaking the page.
 *
 * Subscriptions are remembered and re-sent after every reconnect, since a new connection starts in no room.
 */
const CLIENT_URL = '/socket.io/socket.io.esm.min.js';
const DEFAULT_ACK_TIMEOUT_MS = 10000;

export class LiveConnection extends EventTarget {
  state = 'connecting';
  attempt = 0;
  /** { code, message } of a handshake refused for want of a valid API key. */
  refusal = null;
  info = null;
  #socket = null;
  #rooms = new Set();
  #handlers = [];

  async start() {
    let io;
    try {
      ({ io } = await import(CLIENT_URL));
    } catch {
      this.#setState('unavailable');
      return;
    }
    // Reconnect forever, backing off to 10 s: a dashboard left open should recover on its own. auth is a
    // function so every attempt sends the key as it is now.
    this.#socket = io({
      path: '/socket.io',
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10000,
      auth: (send) => send(apiKey() ? { token: apiKey() } : {}),
    });
    for (const [event, handler] of this.#handlers) this.#socket.on(event, handler);
    this.#socket.on('connect', () => {
      this.attempt = 0;
      for (const room of this.#rooms) this.#socket.emit('subscribe', { service: room });
      this.#setState('connected');
    });
    this.#socket.on('connected', (info) => {
      this.info = info;
      this.dispatchEvent(new CustomEvent('info', { detail: info }));
    });
    this.#socket.on('disconnect', () => this.#setState('disconnected'));
    this.#socket.io.on('reconnect_attempt', (attempt) => {
      this.attempt = attempt;
      this.#setState('disconnected');
    });
    this.#socket.on('connect_error', (error) => {
      // A refused handshake is not retried by the client; it waits for a key (see retryWithKey).
      if (['UNAUTHORIZED', 'FORBIDDEN'].includes(error.data?.code)) {
        this.refusal = error.data;
        this.#setState('unauthorized');
      } else {
        this.#setState('disconnected');
      }
    });
  }

  /** After the user entered an API key. */
  retryWithKey() {
    this.#setState('connecting');
    this.#socket?.connect();
  }

  get connected() {
    return this.state === 'connected';
  }

  /** Listens to a server event; handlers added before start() are attached once the socket exists. */
  on(event, handler) {
    this.#handlers.push([event, handler]);
    this.#socket?.on(event, handler);
  }

  off(event, handler) {
    this.#handlers = this.#handlers.filter(([e, h]) => e !== event || h !== handler);
    this.#socket?.off(event, handler);
  }

  subscribe(room) {
    this.#rooms.add(room);
    if (this.connected) this.#socket.emit('subscribe', { service: room });
  }

  /**
   * Emits with an acknowledgement; rejects when not connected, on timeout, or on `{ ok: false, error }`
   * (then the Error carries the server's `code`).
   */
  request(event, payload, timeoutMs = DEFAULT_ACK_TIMEOUT_MS) {
    if (!this.connected) return Promise.reject(new Error('Not connected to the orchestrator'));
    return this.#socket
      .timeout(timeoutMs)
      .emitWithAck(event, payload)
      .then((reply) => {
        if (reply && reply.ok === false) {
          const error = reply.error ?? {};
          throw Object.assign(new Error(error.message ?? String(error.code ?? 'request failed')), {
            code: error.code,
          });
        }
        return reply;
      });
  }

  emit(event, payload) {
    if (!this.connected) return false;
    this.#socket.emit(event, payload);
    return true;
  }

  #setState(state) {
    if (state === this.state && state !== 'disconnected') return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, attempt: this.attempt } }));
  }
}
