/** Utterance ids are the stream id and the utterance's number, so a resumed stream continues them. */
export function utteranceId(streamId: string, index: number): string {
  return `${streamId}#${index}`;
}

/** An utterance id on the wire (`last_utterance_id` of a resume): a stream id, `#`, a number. */
export const UTTERANCE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}#\d{1,9}$/;

/** The utterance's number, when `id` names an utterance of `streamId`. */
export function utteranceNumber(streamId: string, id: string): number | undefined {
  const prefix = `${streamId}#`;
  return id.startsWith(prefix) && UTTERANCE_ID_PATTERN.test(id) ? Number(id.slice(prefix.length)) : undefined;
}
