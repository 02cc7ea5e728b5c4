/**
 * Parses a service URL setting: comma-separated instances, each `url` or `url|weight`.
 * A weight that is not a number is kept as the raw text so validation can name it.
 */
export function parseInstanceList(value: string): { url: string; weight: number | string }[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const [url, weight] = entry.split('|').map((part) => part.trim());
      if (weight === undefined) return { url: url.replace(/\/+$/, ''), weight: 1 };
      const numeric = Number(weight);
      return {
        url: url.replace(/\/+$/, ''),
        weight: weight !== '' && Number.isFinite(numeric) ? numeric : weight,
      };
    });
}
