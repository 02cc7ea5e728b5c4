import { apiKey } from './api-key.js';

/**
 * REST calls to the orchestrator. Every call resolves (never rejects) to { ok, status, data, problem } so
 * panels can show what went wrong: `problem` is 'unreachable' (no answer at all), 'missing' (404: this
 * server has no such feature) or 'failed' (an error answer, with its message).
 */
export async function getJson(path) {
  return request(path, {});
}

export async function postForm(path, form) {
  return request(path, { method: 'POST', body: form });
}

async function request(path, init) {
  let response;
  try {
    const headers = { accept: 'application/json' };
    // Only the pipeline routes take a key among those the dashboard calls; sending it elsewhere is harmless.
    if (apiKey()) headers['x-api-key'] = apiKey();
    response = await fetch(path, { headers, ...init });
  } catch {
    return {
      ok: false,
      status: 0,
      data: null,
      problem: 'unreachable',
      message: 'The orchestrator did not answer',
    };
  }
  const data = await response.json().catch(() => null);
  if (response.ok) return { ok: true, status: response.status, data };
  return {
    ok: false,
    status: response.status,
    data,
    problem: response.status === 404 ? 'missing' : 'failed',
    message: data?.error?.message ?? `HTTP ${response.status}`,
  };
}

/** The sentence a panel shows for a failed call, naming what the user can do about it. */
export function describeProblem(result, what) {
  switch (result.problem) {
    case 'unreachable':
      return `Cannot reach the orchestrator for ${what}. Check that it is running, then reload.`;
    case 'missing':
      return `This orchestrator does not provide ${what} (the module is not enabled in this build).`;
    default:
      return `Loading ${what} failed: ${result.message}.`;
  }
}
