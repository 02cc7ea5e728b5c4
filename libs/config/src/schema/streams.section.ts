import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  Max,
  Min,
  ValidatorConstraint,
  Validate,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

/**
 * The voice-activity detectors a live stream can use (STREAM_VAD). `energy` compares each 10 ms frame's
 * level with a threshold: it is what tone speech (CONTRACTS §6) needs. `webrtc` is WebRTC's speech detector
 * (libfvad compiled to WASM, shipped inside its npm package); see docs/streams.md for the test that chose
 * it as the default.
 */
export const STREAM_VAD_KINDS = ['energy', 'webrtc'] as const;
export type StreamVadKind = (typeof STREAM_VAD_KINDS)[number];

/** A hysteresis band: the value must be below the threshold named by the constraint's argument. */
@ValidatorConstraint({ name: 'belowField' })
class BelowField implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const [field] = args.constraints as [string];
    const limit = (args.object as Record<string, unknown>)[field];
    return typeof value === 'number' && typeof limit === 'number' && value < limit;
  }

  defaultMessage(args: ValidationArguments): string {
    const [field] = args.constraints as [string];
    return `${args.property} must be below ${field}`;
  }
}

/** Live streams (CONTRACTS §3a): segmentation, interim cadence, decode capacity and status cadence. */
export class StreamsSection {
  @IsIn(STREAM_VAD_KINDS)
  vad: StreamVadKind = 'webrtc';

  /** WebRTC VAD aggressiveness, 0 (keeps most speech) to 3 (drops most noise). */
  @IsInt()
  @Min(0)
  @Max(3)
  webrtcMode = 3;

  /** A 10 ms frame louder than this (dBFS) is speech for the `energy` detector. */
  @IsNumber()
  @Min(-90)
  @Max(0)
  energyThresholdDb = -45;

  /** Silence that ends an utterance, in ms. */
  @IsInt()
  @Min(100)
  @Max(5000)
  endSilenceMs = 500;

  /** Longest utterance, in ms; a longer one is cut at the quietest point of its last seconds. */
  @IsInt()
  @Min(2000)
  @Max(60000)
  maxUtteranceMs = 15000;

  /** Audio kept before the detected onset, in ms, so that the first sound of an utterance is not clipped. */
  @IsInt()
  @Min(0)
  @Max(2000)
  preRollMs = 200;

  /** Speech needed before an utterance opens, in ms (shorter blips are noise). */
  @IsInt()
  @Min(10)
  @Max(1000)
  minSpeechMs = 60;

  /** How often the open utterance is decoded again for an interim result, in ms of audio. */
  @IsInt()
  @Min(100)
  @Max(10000)
  interimIntervalMs = 500;

  /**
   * Upper bound on the live decodes in flight at once (per process). Unset (the default), the decode slots
   * are the speech-to-text pool's capacity: the slots of its instances that can serve now (docs/streams.md
   * "Decode capacity"). Set, they are the smaller of the two: it never raises them above what the pool serves.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxConcurrentDecodes?: number;

  /** How often stream_status is sent, in ms (the contract promises at least every 2 s). */
  @IsInt()
  @Min(100)
  @Max(2000)
  statusIntervalMs = 1000;

  /** Largest gap (offset_ms ahead of the audio held) that is filled with silence; beyond it a frame is refused. */
  @IsInt()
  @Min(1000)
  @Max(600000)
  maxGapMs = 60000;

  /** Open streams per process; stream_start beyond it is refused with STREAM_LIMIT. */
  @IsInt()
  @Min(1)
  @Max(100000)
  maxStreams = 500;

  /** Seconds a stream whose client went away is kept for a resume before it is finalised and closed. */
  @IsInt()
  @Min(0)
  @Max(3600)
  detachedTimeout = 30;

  /** A stream whose lag_ms passes this goes to state `degraded` (stream_status), in ms. */
  @IsInt()
  @Min(1000)
  @Max(600000)
  degradedLagMs = 5000;

  /** A degraded stream is `active` again once its lag is back below this (hysteresis), in ms. */
  @IsInt()
  @Min(0)
  @Validate(BelowField, ['degradedLagMs'])
  recoveredLagMs = 2000;

  /**
   * Share of the decode slots (the pool's capacity, see `max_concurrent_decodes`) that the finals of open streams may keep busy, as
   * measured over the last 30 s; a stream_start that would push it past is refused (ENGINES_SATURATED).
   * Finals beyond the engines' capacity would queue into a lag that only grows.
   */
  @IsNumber()
  @Min(0.1)
  @Max(1)
  admissionMaxLoad = 0.8;

  /**
   * A final that failed on every engine after its retries is kept, with its audio, and tried again when the
   * speech-to-text service is back in rotation or after this many ms, whichever comes first.
   */
  @IsInt()
  @Min(100)
  @Max(600000)
  finalRetryIntervalMs = 5000;

  /** Audio of failed finals a stream keeps for a later retry, in ms; beyond it the oldest is given up. */
  @IsInt()
  @Min(1000)
  @Max(3600000)
  maxHeldFinalMs = 120000;
}
