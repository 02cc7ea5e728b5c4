import { Module } from '@nestjs/common';
import { BodyApiKeyGuard } from '@app/security';
import { LibreTranslateController } from './libretranslate/libretranslate.controller';
import { OpenAiController } from './openai/openai.controller';
import { TranscribeController } from './transcribe/transcribe.controller';
import { StreamedTranscriber } from './upload/streamed-transcriber';

/**
 * The front doors that other products' clients speak unchanged: OpenAI's speech-to-text API (`/v1`) and
 * LibreTranslate's (`/translate`, `/languages`, `/detect`), over the engine pools; and the engine-agnostic
 * `POST /api/transcribe`, which shares the OpenAI door's streamed upload. The orchestrator's only
 * (the pipeline worker serves no HTTP).
 */
@Module({
  controllers: [OpenAiController, LibreTranslateController, TranscribeController],
  providers: [BodyApiKeyGuard, StreamedTranscriber],
})
export class FrontDoorsModule {}
