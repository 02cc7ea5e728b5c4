import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ValidationFailedError, flattenValidationErrors } from '@app/common';
import type { AskedTranscription, TranscriptionRoute } from '../upload/streamed-transcriber';
import { TranscribeFieldsDto } from './transcribe.dto';

/** What a `POST /api/transcribe` form asks for: the engine call, and whether the answer lists words. */
export interface ApiTranscription extends AskedTranscription {
  wordTimestamps: boolean;
}

function fieldError(field: string, message: string): ValidationFailedError {
  return new ValidationFailedError([{ field, message }]);
}

/**
 * `POST /api/transcribe` as a transcription route. Nothing is required but the file, so no field says the
 * client sent its fields first: a form with some text field before the file starts the call when the file
 * begins (streamed); one that starts with its file (browsers' FormData in the order appended, say) is
 * transcribed once read, so that fields after the file never cost a call made twice.
 */
export const API_TRANSCRIPTION: TranscriptionRoute<ApiTranscription> = {
  read: (fields) => {
    const dto = plainToInstance(TranscribeFieldsDto, fields);
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new ValidationFailedError(flattenValidationErrors(errors));
    return {
      language: dto.language === 'auto' ? undefined : dto.language,
      model: dto.model,
      temperature: dto.temperature === undefined ? undefined : Number(dto.temperature),
      wordTimestamps: dto.word_timestamps === 'true' || dto.word_timestamps === '1',
    };
  },
  call: (asked) => asked,
  startsAtFile: (fieldsBefore) => Object.keys(fieldsBefore).length > 0,
  refusedFile: ({ fieldName, second }) => {
    if (fieldName !== 'file') return fieldError(fieldName, 'the audio file goes in field "file"');
    return second ? fieldError('file', 'one audio file only, in field "file"') : undefined;
  },
  missingFile: () => fieldError('file', 'an audio file is required in field "file"'),
};
