/**
 * The languages offered in every language picker: those the translation backend reports (asked over the live
 * connection with service_request get_languages), or the product description's ten when it cannot be asked.
 */
export const FALLBACK_LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Spanish' },
  { code: 'fr', name: 'French' },
  { code: 'de', name: 'German' },
  { code: 'it', name: 'Italian' },
  { code: 'pt', name: 'Portuguese' },
  { code: 'ru', name: 'Russian' },
  { code: 'ja', name: 'Japanese' },
  { code: 'ko', name: 'Korean' },
  { code: 'zh', name: 'Chinese' },
];

const NAMES = new Map(FALLBACK_LANGUAGES.map((language) => [language.code, language.name]));

/** The get_languages reply's data is { languages: [{ code, name, targets? }] }; names filled in where missing. */
export function languagesOf(data) {
  return (data?.languages ?? []).map((language) => ({
    code: language.code,
    name: language.name || NAMES.get(language.code) || language.code,
  }));
}

/** Resolves to { languages, fromBackend, reason } and never rejects. */
export async function loadLanguages(live) {
  try {
    const reply = await live.request('service_message', {
      type: 'service_request',
      target_service: 'translation',
      action: 'get_languages',
      request_id: `languages-${Date.now()}`,
    });
    const languages = languagesOf(reply.data);
    if (languages.length > 0) return { languages, fromBackend: true };
    return {
      languages: FALLBACK_LANGUAGES,
      fromBackend: false,
      reason: 'the translation backend reported none',
    };
  } catch (error) {
    return { languages: FALLBACK_LANGUAGES, fromBackend: false, reason: error.message };
  }
}

/**
 * Fills every <select data-languages="source|target"> under root, keeping the current choice when it is
 * still offered. Source pickers get "Detect automatically"; data-none adds an empty choice.
 */
export function fillLanguageSelects(root, languages, preferredTarget) {
  for (const select of root.querySelectorAll('select[data-languages]')) {
    const previous = select.value;
    const options = [];
    if (select.dataset.languages === 'source') options.push(new Option('Detect automatically', 'auto'));
    if (select.dataset.none) options.push(new Option(select.dataset.none, ''));
    for (const language of languages)
      options.push(new Option(`${language.name} (${language.code})`, language.code));
    select.replaceChildren(...options);
    const values = options.map((option) => option.value);
    if (values.includes(previous)) select.value = previous;
    else if (select.dataset.languages === 'target' && values.includes(preferredTarget))
      select.value = preferredTarget;
  }
}
