import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MAX_TARGET_LANGUAGES } from '@app/common';
import { SettingsDto } from '@app/settings';
import { TranscriptionStreamDto } from './stream.dto';

/** Distinct valid codes: aa, ab, ac, … */
const languages = (count: number) =>
  Array.from({ length: count }, (_, i) => String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26)));

const refusedFields = (dto: object) => validateSync(dto).map((error) => error.property);

describe('target language limit', () => {
  it('takes as many target languages on a socket chunk as the settings allow as the default list', () => {
    const chunk = (count: number) =>
      plainToInstance(TranscriptionStreamDto, { format: 'wav', target_languages: languages(count) });
    const settings = (count: number) =>
      plainToInstance(SettingsDto, { default_target_languages: languages(count) });
    expect(refusedFields(chunk(MAX_TARGET_LANGUAGES))).toEqual([]);
    expect(refusedFields(settings(MAX_TARGET_LANGUAGES))).toEqual([]);
    expect(refusedFields(chunk(MAX_TARGET_LANGUAGES + 1))).toEqual(['target_languages']);
    expect(refusedFields(settings(MAX_TARGET_LANGUAGES + 1))).toEqual(['default_target_languages']);
  });
});
