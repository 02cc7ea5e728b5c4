import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LiveStreams, type StreamView } from './live-streams.service';

@ApiTags('streams')
@Controller('api/streams')
export class StreamsController {
  constructor(private readonly streams: LiveStreams) {}

  @Get()
  @ApiOperation({ summary: 'Open live streams of this instance with their lag figures (CONTRACTS §3a)' })
  list(): { streams: StreamView[]; total: number } {
    const streams = this.streams.list();
    return { streams, total: streams.length };
  }
}
