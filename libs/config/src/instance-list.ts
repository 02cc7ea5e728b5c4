export interface ParsedInstance {
  url: string;
  weight: number | string;
  kind?: string;
  maxConcurrent?: number | string;
}

/** `kind=` before the URL: a name without `:` or `/`, so the URL's own characters never look like one. */
const KIND_PREFIX = /^([^=:/\s]+)=(.*)$/;

/** A number where the text is one, else the raw text, so validation can name it. */
function numberOrText(text: string): number | string {
  const numeric = Number(text);
  return text !== '' && Number.isFinite(numeric) ? numeric : text;
}

/**
 * Parses a service URL setting: comma-separated instances, each `[kind=]url[|weight[|cap]]`
 * (`openai=http://gpu1:8000|3,whisper-cpp=http://cpu1:8080|1|1`). A bare URL takes the service's kind;
 * `cap` is the instance's concurrency cap (absent: the service's or its kind's default).
 * A weight or cap that is not a number is kept as the raw text, and a kind as given, so validation can name them.
 */
export function parseInstanceList(value: string): ParsedInstance[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const prefixed = KIND_PREFIX.exec(entry);
      const kind = prefixed ? { kind: prefixed[1].trim() } : {};
      const [url, weight, cap] = (prefixed ? prefixed[2] : entry).split('|').map((part) => part.trim());
      return {
        url: url.replace(/\/+$/, ''),
        weight: weight === undefined ? 1 : numberOrText(weight),
        ...kind,
        ...(cap === undefined ? {} : { maxConcurrent: numberOrText(cap) }),
      };
    });
}
