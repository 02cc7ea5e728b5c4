import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StaticAssets } from './static-assets';

/** The dashboard pages and their assets (CSS, ES modules) under /static. */
@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(private readonly assets: StaticAssets) {}

  @Get()
  index(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.send('index.html', request, reply);
  }

  @Get('websocket-test')
  websocketTest(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.send('websocket-test.html', request, reply);
  }

  /** Fastify's own wildcard syntax: the Fastify adapter hands the route to find-my-way unchanged. */
  @Get('static/*')
  asset(@Param('*') path: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.send(path, request, reply);
  }

  private async send(path: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const file = await this.assets.read(path, request.headers['if-none-match']);
    void reply.headers(file.headers);
    if (file.notModified) return void reply.status(304).send();
    return void reply.status(200).send(file.body);
  }
}
