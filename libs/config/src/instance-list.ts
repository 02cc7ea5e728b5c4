export interface ParsedInstance {
  url: string;
  weight: number | string;
  kind?: string;
}

/** `kind=` before the URL: a name without `:` or `/`, so the URL's own characters never look like one. */
const KIND_PREFIX = /^([^=:/\s]+)=(.*)$/;

/**
 * Parses a service URL setting: comma-separated instances, each `[kind=]url[|weight]`
 * (`openai=http://gpu1:8000|3,whisper-cpp=http://cpu1:8080|1`). A bare URL takes the service's kind.
 * A weight that is not a number is kept as the raw text, and a kind as given, so validation can name them.
 */
export function parseInstanceList(value: string): ParsedInstance[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const prefixed = KIND_PREFIX.exec(entry);
      const kind = prefixed ? { kind: prefixed[1].trim() } : {};
      const [url, weight] = (prefixed ? prefixed[2] : entry).split('|').map((part) => part.trim());
      if (weight === undefined) return { url: url.replace(/\/+$/, ''), weight: 1, ...kind };
      const numeric = Number(weight);
      return {
        url: url.replace(/\/+$/, ''),
        weight: weight !== '' && Number.isFinite(numeric) ? numeric : weight,
        ...kind,
      };
    });
}
