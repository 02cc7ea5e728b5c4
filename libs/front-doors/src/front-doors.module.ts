import { Module } from '@nestjs/common';
import { BodyApiKeyGuard } from '@app/security';
import { LibreTranslateController } from './libretranslate/libretranslate.controller';
import { OpenAiController } from './openai/openai.controller';

/**
 * The front doors that other products' clients speak unchanged: OpenAI's speech-to-text API (`/v1`) and
 * LibreTranslate's (`/translate`, `/languages`, `/detect`), over the engine pools. The orchestrator's only
 * (the pipeline worker serves no HTTP).
 */
@Module({
  controllers: [OpenAiController, LibreTranslateController],
  providers: [BodyApiKeyGuard],
})
export class FrontDoorsModule {}
