import { Module } from '@nestjs/common';
import { DecodeCapacity } from './decoding/decode-capacity';
import { decodePeersProvider } from './decoding/decode-peers.provider';
import { LiveStreams } from './live-streams.service';
import { streamRegistryProvider } from './registry/stream-registry.provider';
import { StreamEventHandlers } from './stream-events.handlers';
import { StreamMetrics } from './stream-metrics';
import { StreamsController } from './streams.controller';
import { SpeechDetectors } from './voice/speech-detectors';

/** Live streams (CONTRACTS §3a): continuous audio in, interim and final captions out. */
@Module({
  controllers: [StreamsController],
  providers: [
    LiveStreams,
    DecodeCapacity,
    decodePeersProvider,
    StreamEventHandlers,
    StreamMetrics,
    SpeechDetectors,
    streamRegistryProvider,
  ],
})
export class StreamsModule {}
