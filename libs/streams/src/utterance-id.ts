/** Utterance ids are the stream id and the utterance's number, so a resumed stream continues them. */
export function utteranceId(streamId: string, index: number): string {
  return `${streamId}#${index}`;
}
