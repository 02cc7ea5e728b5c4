import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigStore, type StreamVadKind } from '@app/config';
import { energyDetector } from './energy-detector';
import type { SpeechDetector } from './speech-detector';
import { loadWebRtcVad } from './webrtc-detector';

/** One detector per stream, of the kind configured (streams.vad / STREAM_VAD) when the stream starts. */
@Injectable()
export class SpeechDetectors implements OnModuleInit {
  private webrtc?: (mode: number) => SpeechDetector;

  constructor(private readonly config: ConfigStore) {}

  /** The WASM is compiled once at boot, so no stream_start waits for it. */
  async onModuleInit(): Promise<void> {
    this.webrtc = await loadWebRtcVad();
  }

  create(kind: StreamVadKind = this.config.current.streams.vad): SpeechDetector {
    const streams = this.config.current.streams;
    const factories = {
      energy: () => energyDetector(streams.energyThresholdDb),
      webrtc: () => {
        if (!this.webrtc) throw new Error('The WebRTC detector is not loaded yet');
        return this.webrtc(streams.webrtcMode);
      },
    } satisfies Record<StreamVadKind, () => SpeechDetector>;
    return factories[kind]();
  }
}
