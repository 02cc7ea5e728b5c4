import type { AudioInput } from '../engine.types';

/** Containers by file-name extension; what the speech-to-text engines (ffmpeg-based or not) take. */
const FORMAT_BY_EXTENSION: Record<string, string> = {
  wav: 'wav',
  mp3: 'mp3',
  mpga: 'mp3',
  mpeg: 'mp3',
  mp4: 'mp4',
  webm: 'webm',
  ogg: 'ogg',
  flac: 'flac',
  m4a: 'm4a',
};

/** The container, from the file name's extension, else from its content type (`audio/wav`). */
export function uploadFormat(fileName: string, mimeType: string): string {
  const extension = fileName.includes('.') ? (fileName.split('.').pop()?.toLowerCase() ?? '') : '';
  return FORMAT_BY_EXTENSION[extension] ?? mimeType.split('/')[1]?.replace(/^x-/, '') ?? 'wav';
}

/** An uploaded file as an engine's audio input: the engines get the client's own name and type. */
export function uploadedAudio(file: { data: Buffer; fileName: string; mimeType: string }): AudioInput {
  return {
    data: file.data,
    format: uploadFormat(file.fileName, file.mimeType),
    contentType: file.mimeType,
    fileName: file.fileName,
  };
}
