/** Elements whose content is not prose to translate. */
const RAW_TEXT_ELEMENTS = /^<(script|style)\b/i;
const TAG_OR_TEXT = /(<!--[\s\S]*?-->|<[^>]*>)/;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * LibreTranslate's `format: html`: the markup stays as sent and only the text between tags is translated
 * (each run on its own, with its surrounding whitespace kept, entities decoded for the engine and the
 * answer escaped back), since the engines behind the pool translate plain text. Script and style contents
 * and comments are left alone.
 */
export async function translateHtml(
  html: string,
  translate: (text: string) => Promise<string>,
): Promise<string> {
  const pieces = html.split(TAG_OR_TEXT);
  let raw = false;
  const translated = pieces.map(async (piece, index) => {
    // split() with a capturing group puts the tags at odd indexes.
    if (index % 2 === 1) {
      raw = RAW_TEXT_ELEMENTS.test(piece) ? true : /^<\/(script|style)\b/i.test(piece) ? false : raw;
      return piece;
    }
    const text = decodeEntities(piece);
    if (raw || text.trim() === '') return piece;
    const [, leading, core, trailing] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
    return `${leading}${escapeText(await translate(core))}${trailing}`;
  });
  return (await Promise.all(translated)).join('');
}
