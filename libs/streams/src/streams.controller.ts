import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LiveStreams, type DecodeCapacityView, type StreamView } from './live-streams.service';

@ApiTags('streams')
@Controller('api/streams')
export class StreamsController {
  constructor(private readonly streams: LiveStreams) {}

  @Get()
  @ApiOperation({
    summary:
      'Open live streams of this instance with their lag figures (CONTRACTS §3a), and its decode capacity',
  })
  list(): { streams: StreamView[]; total: number; capacity: DecodeCapacityView } {
    const streams = this.streams.list();
    return { streams, total: streams.length, capacity: this.streams.decodeCapacity() };
  }
}
