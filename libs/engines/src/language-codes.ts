/**
 * The languages Whisper knows, with the codes the engines use for them: ISO 639-1 inside the orchestrator
 * and on most wires, ISO 639-3 for Apertium, and the lower-case English name that whisper.cpp's
 * verbose_json reports as `language`. Norwegian maps to Bokmål (`nob`), the variant Apertium ships.
 */
const LANGUAGES: readonly (readonly [iso1: string, iso3: string, name: string])[] = [
  ['af', 'afr', 'afrikaans'],
  ['am', 'amh', 'amharic'],
  ['ar', 'ara', 'arabic'],
  ['as', 'asm', 'assamese'],
  ['az', 'aze', 'azerbaijani'],
  ['be', 'bel', 'belarusian'],
  ['bg', 'bul', 'bulgarian'],
  ['bn', 'ben', 'bengali'],
  ['br', 'bre', 'breton'],
  ['bs', 'bos', 'bosnian'],
  ['ca', 'cat', 'catalan'],
  ['cs', 'ces', 'czech'],
  ['cy', 'cym', 'welsh'],
  ['da', 'dan', 'danish'],
  ['de', 'deu', 'german'],
  ['el', 'ell', 'greek'],
  ['en', 'eng', 'english'],
  ['eo', 'epo', 'esperanto'],
  ['es', 'spa', 'spanish'],
  ['et', 'est', 'estonian'],
  ['eu', 'eus', 'basque'],
  ['fa', 'fas', 'persian'],
  ['fi', 'fin', 'finnish'],
  ['fo', 'fao', 'faroese'],
  ['fr', 'fra', 'french'],
  ['ga', 'gle', 'irish'],
  ['gl', 'glg', 'galician'],
  ['gu', 'guj', 'gujarati'],
  ['he', 'heb', 'hebrew'],
  ['hi', 'hin', 'hindi'],
  ['hr', 'hrv', 'croatian'],
  ['ht', 'hat', 'haitian creole'],
  ['hu', 'hun', 'hungarian'],
  ['hy', 'hye', 'armenian'],
  ['id', 'ind', 'indonesian'],
  ['is', 'isl', 'icelandic'],
  ['it', 'ita', 'italian'],
  ['ja', 'jpn', 'japanese'],
  ['ka', 'kat', 'georgian'],
  ['kk', 'kaz', 'kazakh'],
  ['km', 'khm', 'khmer'],
  ['kn', 'kan', 'kannada'],
  ['ko', 'kor', 'korean'],
  ['la', 'lat', 'latin'],
  ['lb', 'ltz', 'luxembourgish'],
  ['lt', 'lit', 'lithuanian'],
  ['lv', 'lav', 'latvian'],
  ['mk', 'mkd', 'macedonian'],
  ['ml', 'mal', 'malayalam'],
  ['mn', 'mon', 'mongolian'],
  ['mr', 'mar', 'marathi'],
  ['ms', 'msa', 'malay'],
  ['mt', 'mlt', 'maltese'],
  ['my', 'mya', 'myanmar'],
  ['ne', 'nep', 'nepali'],
  ['nl', 'nld', 'dutch'],
  ['nn', 'nno', 'nynorsk'],
  ['no', 'nob', 'norwegian'],
  ['oc', 'oci', 'occitan'],
  ['pa', 'pan', 'punjabi'],
  ['pl', 'pol', 'polish'],
  ['ps', 'pus', 'pashto'],
  ['pt', 'por', 'portuguese'],
  ['ro', 'ron', 'romanian'],
  ['ru', 'rus', 'russian'],
  ['sd', 'snd', 'sindhi'],
  ['si', 'sin', 'sinhala'],
  ['sk', 'slk', 'slovak'],
  ['sl', 'slv', 'slovenian'],
  ['sq', 'sqi', 'albanian'],
  ['sr', 'srp', 'serbian'],
  ['sv', 'swe', 'swedish'],
  ['sw', 'swa', 'swahili'],
  ['ta', 'tam', 'tamil'],
  ['te', 'tel', 'telugu'],
  ['tg', 'tgk', 'tajik'],
  ['th', 'tha', 'thai'],
  ['tl', 'tgl', 'tagalog'],
  ['tr', 'tur', 'turkish'],
  ['tt', 'tat', 'tatar'],
  ['uk', 'ukr', 'ukrainian'],
  ['ur', 'urd', 'urdu'],
  ['uz', 'uzb', 'uzbek'],
  ['vi', 'vie', 'vietnamese'],
  ['yi', 'yid', 'yiddish'],
  ['yo', 'yor', 'yoruba'],
  ['zh', 'zho', 'chinese'],
];

const BY_ISO1 = new Map(LANGUAGES.map(([iso1, iso3, name]) => [iso1, { iso3, name }]));
const ISO1_BY_ISO3 = new Map(LANGUAGES.map(([iso1, iso3]) => [iso3, iso1]));
const ISO1_BY_NAME = new Map(LANGUAGES.map(([iso1, , name]) => [name, iso1]));

/** Region and script suffixes (`pt-BR`, `zh_Hans`) do not change the base language the engines key on. */
function baseCode(code: string): string {
  return code.trim().toLowerCase().split(/[-_]/)[0];
}

/** `es` → `spa`; undefined when the language is not known. */
export function toIso3(code: string): string | undefined {
  const base = baseCode(code);
  return BY_ISO1.get(base)?.iso3 ?? (ISO1_BY_ISO3.has(base) ? base : undefined);
}

/**
 * `spa` → `es`. Apertium also names variants (`por_BR`, `cat_valencia`, `oci_aran`): the base decides.
 * Undefined when unknown.
 */
export function fromIso3(code: string): string | undefined {
  return ISO1_BY_ISO3.get(baseCode(code)) ?? (BY_ISO1.has(baseCode(code)) ? baseCode(code) : undefined);
}

/**
 * Normalises what a speech-to-text engine reports as the language: whisper.cpp says `english`, others say
 * `en` or `EN`. Returns the ISO 639-1 code, or undefined when nothing matches.
 */
export function languageToIso1(reported: string): string | undefined {
  const text = reported.trim().toLowerCase();
  if (BY_ISO1.has(baseCode(text))) return baseCode(text);
  return ISO1_BY_NAME.get(text) ?? fromIso3(text);
}

/** `es` → `Spanish`, for engines that list languages without names. */
export function languageName(code: string): string {
  const name = BY_ISO1.get(baseCode(code))?.name;
  return name ? name.replace(/\b\w/g, (c) => c.toUpperCase()) : code;
}
