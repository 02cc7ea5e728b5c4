/**
 * The most target languages one request may ask for: REST jobs, `transcription_stream`, `stream_start` and
 * the settings' default list alike, so a default the settings accept is never refused on another route.
 */
export const MAX_TARGET_LANGUAGES = 20;
