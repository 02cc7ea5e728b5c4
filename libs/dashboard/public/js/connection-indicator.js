import { apiKeyEvents, apiKeyForm } from './api-key.js';

/** The header's connection dot and the banner that tells the user what a lost connection means. */
const TEXT = {
  connecting: 'Connecting…',
  connected: 'Live',
  disconnected: 'Disconnected',
  unavailable: 'No live updates',
  unauthorized: 'API key needed',
};

export function bindConnectionIndicator(live, indicator, banner) {
  const render = () => {
    indicator.dataset.state = live.state;
    indicator.querySelector('.label').textContent =
      live.state === 'disconnected' && live.attempt > 0
        ? `Reconnecting (attempt ${live.attempt})…`
        : TEXT[live.state];
    if (live.state === 'disconnected') {
      banner.hidden = false;
      banner.textContent =
        'The live connection to the orchestrator is lost; panels show the last known data and reconnect ' +
        `automatically. If this lasts, check that the orchestrator at ${location.host} is running.`;
    } else if (live.state === 'unavailable') {
      banner.hidden = false;
      banner.textContent =
        'This orchestrator serves no real-time connection (Socket.IO), so panels do not update live and ' +
        'recording and translation are off. Reload after enabling the real-time module.';
    } else if (live.state === 'unauthorized') {
      banner.hidden = false;
      banner.replaceChildren(
        `${live.refusal.message}. Live panels, recording and translation need it; ask the operator for one of the server's API_KEYS. `,
        apiKeyForm(),
      );
    } else {
      banner.hidden = true;
    }
  };
  live.addEventListener('state', render);
  // A key entered elsewhere (the upload form) is worth a new handshake too.
  apiKeyEvents.addEventListener('change', () => {
    if (live.state === 'unauthorized') live.retryWithKey();
  });
  render();
}
