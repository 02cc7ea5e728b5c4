import { startApp, type RunningApp } from '../support/app-harness';

/** What a browser gets from the dashboard routes, over real HTTP. */
describe('dashboard assets over HTTP', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp({ HEALTH_CHECK_INTERVAL: '60' });
  });
  afterAll(() => app?.close());

  it.each([
    ['/', 'text/html; charset=utf-8', 'LiveTranslate Orchestration'],
    ['/websocket-test', 'text/html; charset=utf-8', 'WebSocket test'],
    ['/static/css/dashboard.css', 'text/css; charset=utf-8', '--bg:'],
    ['/static/js/main.js', 'text/javascript; charset=utf-8', 'LiveConnection'],
    ['/static/favicon.svg', 'image/svg+xml', '<svg'],
  ])('serves %s as %s', async (path, type, content) => {
    const response = await fetch(`${app.url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain(content);
  });

  it('answers 304 to a revalidation with the current ETag', async () => {
    const first = await fetch(`${app.url}/static/js/main.js`);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(`${app.url}/static/js/main.js`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it('serves the Socket.IO client itself, so the page needs no other host', async () => {
    const response = await fetch(`${app.url}/socket.io/socket.io.esm.min.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('javascript');
  });

  it.each(['/static/../package.json', '/static/%2e%2e/%2e%2e/%2e%2e/package.json', '/static/js/nope.js'])(
    'does not serve %s',
    async (path) => {
      const response = await fetch(`${app.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('"dependencies"');
    },
  );
});
