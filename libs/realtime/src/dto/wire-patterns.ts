/** Ids chosen by clients end up in logs, room names and Redis keys: short printable tokens only. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** ISO 639-1/3 with an optional region (en, eng, pt-BR), or 'auto' where detection is allowed. */
export const LANGUAGE_PATTERN = /^([a-z]{2,3}(-[A-Za-z]{2,4})?|auto)$/;
export const AUDIO_FORMAT_PATTERN = /^[a-z0-9]{2,10}$/;
export const MAX_TARGET_LANGUAGES = 10;
export const MAX_TRANSLATION_TEXT = 5000;
