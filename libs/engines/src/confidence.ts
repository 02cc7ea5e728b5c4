/**
 * Reported when an engine gives no score at all (LibreTranslate with a given source language, whisper.cpp
 * answering plain json): "not known", neither trusted nor rejected. docs/engines.md lists where it applies.
 */
export const UNSCORED_CONFIDENCE = 0.5;

export function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
