import { describe, expect, it } from 'vitest';
import { PREFERENCES_EXTRA_MAX_BYTES, UserPreferences } from '../../../src/domain/user-preferences.js';

describe('UserPreferences', () => {
  it('accepts an empty object and every valid field', () => {
    expect(UserPreferences.create({})._unsafeUnwrap()).toEqual({});
    const all = {
      defaultQuality: 'preview',
      defaultAspectRatio: '1:1',
      defaultVoice: 'en-us',
      defaultLanguage: 'fr',
      defaultNarration: false,
      defaultWebhookUrl: 'http://localhost:9000/hook',
      extra: { nested: { list: [1, null, 'x'] } },
    };
    expect(UserPreferences.create(all)._unsafeUnwrap()).toEqual(all);
  });

  it('treats null as unset', () => {
    expect(UserPreferences.create({ defaultQuality: null, extra: null })._unsafeUnwrap()).toEqual({});
  });

  it('follows the VideoSpec rule of each default, naming the preference field', () => {
    const issues = UserPreferences.create({
      defaultQuality: 'ultra',
      defaultNarration: 'yes',
      defaultLanguage: 'english please',
      defaultWebhookUrl: 'https://user:pw@example.com/',
    })._unsafeUnwrapErr().issues;
    expect(issues.map((i) => i.path).sort()).toEqual([
      'defaultLanguage',
      'defaultNarration',
      'defaultQuality',
      'defaultWebhookUrl',
    ]);
    expect(issues.find((i) => i.path === 'defaultQuality')?.message).toMatch(
      /one of preview, low, medium, high/,
    );
  });

  it('limits extra to a JSON object of at most 4 KB and refuses unknown fields', () => {
    const atLimit = { s: 'x'.repeat(PREFERENCES_EXTRA_MAX_BYTES - '{"s":""}'.length) };
    expect(UserPreferences.create({ extra: atLimit }).isOk()).toBe(true);
    const over = { s: `${atLimit.s}é` };
    expect(UserPreferences.create({ extra: over })._unsafeUnwrapErr().issues).toEqual([
      { path: 'extra', message: `must be at most ${PREFERENCES_EXTRA_MAX_BYTES} bytes as JSON` },
    ]);
    expect(UserPreferences.create({ extra: [1, 2] })._unsafeUnwrapErr().issues[0]?.path).toBe('extra');
    expect(UserPreferences.create({ theme: 'dark' })._unsafeUnwrapErr().issues).toEqual([
      { path: 'theme', message: 'is not a known preference' },
    ]);
    expect(UserPreferences.create('nope')._unsafeUnwrapErr().issues).toEqual([
      { path: '', message: 'must be an object' },
    ]);
  });

  it('reads stored preferences keeping only the fields that are still valid', () => {
    expect(
      UserPreferences.fromStored({ defaultQuality: 'high', defaultAspectRatio: '4:3', legacy: 1 }),
    ).toEqual({
      defaultQuality: 'high',
    });
    expect(UserPreferences.fromStored(null)).toEqual({});
    expect(UserPreferences.fromStored(['x'])).toEqual({});
  });
});
