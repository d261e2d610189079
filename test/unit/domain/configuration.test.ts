import { describe, expect, it } from 'vitest';
import {
  mergeSpecLayers,
  specDefaultsFromPreferences,
  validateConfiguration,
  validateSpecDefaults,
} from '../../../src/domain/configuration.js';
import { VideoSpec } from '../../../src/domain/video-spec.js';

describe('validateConfiguration', () => {
  it('normalises name, description and the given defaults only', () => {
    const fields = validateConfiguration({
      name: '  Shorts   HQ ',
      description: ' vertical ',
      defaults: { quality: 'high', voice: 'EN-GB', rag: { topK: 3 }, topic: '  Tides  ' },
    })._unsafeUnwrap();
    expect(fields).toEqual({
      name: 'Shorts HQ',
      description: 'vertical',
      defaults: { topic: 'Tides', quality: 'high', voice: 'en-gb', rag: { topK: 3 } },
    });
  });

  it('lists every problem with its path, using the VideoSpec rules for defaults', () => {
    const error = validateConfiguration({
      name: '',
      description: 5,
      defaults: { quality: 'ultra', maxDurationSeconds: 1, configurationId: 'other', speed: 2 },
    })._unsafeUnwrapErr();
    expect(error.type).toBe('InvalidConfiguration');
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      'defaults.configurationId',
      'defaults.maxDurationSeconds',
      'defaults.quality',
      'defaults.speed',
      'description',
      'name',
    ]);
  });

  it('requires a name of at most 100 characters', () => {
    expect(validateConfiguration({})._unsafeUnwrapErr().issues).toEqual([
      { path: 'name', message: 'is required' },
    ]);
    expect(validateConfiguration({ name: 'x'.repeat(101) })._unsafeUnwrapErr().issues[0]?.path).toBe('name');
    expect(validateConfiguration({ name: 'x'.repeat(100) })._unsafeUnwrap().defaults).toEqual({});
  });

  it('refuses defaults that are not an object', () => {
    expect(validateSpecDefaults([1, 2], 'defaults.')._unsafeUnwrapErr()).toEqual([
      { path: 'defaults', message: 'must be an object' },
    ]);
  });
});

describe('specDefaultsFromPreferences', () => {
  it('maps the preference keys to spec fields and ignores invalid or unknown ones', () => {
    expect(
      specDefaultsFromPreferences({
        defaultQuality: 'low',
        defaultAspectRatio: '1:1',
        defaultVoice: 'de',
        defaultLanguage: 'not a tag!',
        defaultNarration: false,
        defaultWebhookUrl: 'https://hooks.example.com/framecast',
        narration: true, // not a preference key
        theme: 'dark',
      }),
    ).toEqual({
      quality: 'low',
      aspectRatio: '1:1',
      voice: 'de',
      narration: false,
      callbackUrl: 'https://hooks.example.com/framecast',
    });
  });
});

describe('mergeSpecLayers', () => {
  it('gives request > configuration > preferences > built-in defaults', () => {
    const merged = mergeSpecLayers(
      { topic: 'Tides', quality: 'high' },
      { quality: 'low', aspectRatio: '9:16', narration: false },
      { quality: 'preview', aspectRatio: '1:1', voice: 'de', narration: true },
    );
    expect(merged).toEqual({
      topic: 'Tides',
      quality: 'high',
      aspectRatio: '9:16',
      narration: false,
      voice: 'de',
    });
    const spec = VideoSpec.create(merged)._unsafeUnwrap();
    expect(spec.language).toBe('en'); // built-in default
    expect(spec.maxDurationSeconds).toBe(120);
  });

  it('merges rag and assets one level deep; null and undefined never override', () => {
    const merged = mergeSpecLayers(
      { topic: 'T', rag: { sourceUploadIds: ['d1'] }, assets: { logoUploadId: 'i2' }, context: null },
      {
        rag: { topK: 3, sourceUploadIds: ['d0'] },
        assets: { logoUploadId: 'i1', musicUploadId: 'a1' },
        context: 'C',
      },
    );
    expect(merged).toEqual({
      topic: 'T',
      context: 'C',
      rag: { topK: 3, sourceUploadIds: ['d1'] },
      assets: { logoUploadId: 'i2', musicUploadId: 'a1' },
    });
  });
});
