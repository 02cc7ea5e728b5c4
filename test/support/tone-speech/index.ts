/** Tone speech (CONTRACTS §6): a test language of sine words, and an engine that really decodes it. */
export { TONE_VOCABULARY, toneWordFrequencyHz, toneWordLengthMs } from './vocabulary';
export { makeToneScript, type ToneScriptOptions } from './script';
export { synthesizeToneSpeech, toneSpeechWav, type ToneSpeech, type ToneSpeechOptions } from './synthesize';
export { decodeToneSpeech, type HeardWord, type ToneTranscript } from './decode';
export { alignWords, transcriptWords, wordErrorRate, type WordAlignment } from './word-error-rate';
export { startToneSpeechEngine, type ToneEngineOptions, type ToneSpeechEngine } from './engine';
export type { ToneEngineKind } from './engine-answers';
