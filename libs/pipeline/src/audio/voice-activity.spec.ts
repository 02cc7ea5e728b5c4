import { pcmWav, tone } from '../../../../test/support/wav';
import { SILENCE_FLOOR_DB, detectVoiceActivity } from './voice-activity';

describe('energy-based voice activity', () => {
  it('measures a full-scale sine at about -3 dBFS and reports its duration', () => {
    const activity = detectVoiceActivity(tone(0.5, 1), 'wav', -50);
    expect(activity.levelDb).toBeCloseTo(-3, 0);
    expect(activity).toMatchObject({ speechDetected: true, measured: true, durationSeconds: 0.5 });
  });

  it('calls a quiet chunk silence against the threshold', () => {
    const quiet = detectVoiceActivity(tone(0.2, 0.001), 'wav', -50);
    expect(quiet.levelDb).toBeCloseTo(-63, 0);
    expect(quiet.speechDetected).toBe(false);
    expect(detectVoiceActivity(tone(0.2, 0.001), 'wav', -70).speechDetected).toBe(true);
  });

  it('floors digital silence instead of reporting -Infinity', () => {
    expect(detectVoiceActivity(pcmWav(new Array(1600).fill(0)), 'wav', -50)).toMatchObject({
      levelDb: SILENCE_FLOOR_DB,
      speechDetected: false,
    });
  });

  it('reads a streaming header whose data size is not known yet', () => {
    const wav = tone(0.1, 0.5);
    wav.writeUInt32LE(0xffffffff, 40);
    expect(detectVoiceActivity(wav, 'wav', -50)).toMatchObject({
      measured: true,
      speechDetected: true,
      durationSeconds: 0.1,
    });
  });

  it('passes compressed formats through unmeasured, as speech', () => {
    expect(detectVoiceActivity(Buffer.from('OggS....'), 'ogg', -50)).toEqual({
      levelDb: null,
      speechDetected: true,
      measured: false,
    });
  });
});
