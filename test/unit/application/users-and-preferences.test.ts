import { describe, expect, it } from 'vitest';
import { ALICE, BOB, T0, at } from '../../support/application-fixture.js';
import { createJobManagementFixture } from '../../support/job-management-fixture.js';

describe('GetCurrentUser', () => {
  it('answers the profile with statistics of the caller’s jobs only', async () => {
    const f = createJobManagementFixture();
    await f.users.upsert({ id: ALICE, email: 'alice@example.com', role: 'user', now: T0 });
    f.clock.advance(3_600_000);
    await f.completed((await f.submit()).id, { seconds: 10, sizeBytes: 2_000 });
    await f.completed((await f.submit()).id, { seconds: 30, sizeBytes: 3_000 });
    await f.failed((await f.submit()).id);
    await f.submit();
    await f.completed((await f.submit({ ownerId: BOB })).id, { seconds: 99, sizeBytes: 9_999 });

    const me = (await f.getCurrentUser.execute({ principal: f.principal(ALICE) }))._unsafeUnwrap();

    expect(me).toEqual({
      id: ALICE,
      email: 'alice@example.com',
      role: 'user',
      scopes: ['jobs'],
      authenticatedVia: 'api-key',
      createdAt: T0,
      statistics: {
        counts: { queued: 1, processing: 0, completed: 2, failed: 1, cancelled: 0 },
        total: 4,
        completedLast24h: 2,
        averageProcessingSeconds: 20,
        p95ProcessingSeconds: 29,
        storedBytes: 5_000,
      },
    });
  });

  it('counts only completions of the last 24 hours as recent', async () => {
    const f = createJobManagementFixture();
    await f.completed((await f.submit()).id);
    f.clock.advance(25 * 3_600_000);
    const me = (await f.getCurrentUser.execute({ principal: f.principal(ALICE) }))._unsafeUnwrap();
    expect(me.statistics).toMatchObject({ completedLast24h: 0, counts: { completed: 1 } });
  });

  it('answers a caller without a stored record from the principal, with zero statistics', async () => {
    const f = createJobManagementFixture();
    const me = (
      await f.getCurrentUser.execute({ principal: f.principal('user_new', 'admin') })
    )._unsafeUnwrap();
    expect(me).toMatchObject({ id: 'user_new', email: null, role: 'admin', createdAt: null });
    expect(me.statistics).toMatchObject({
      total: 0,
      averageProcessingSeconds: null,
      p95ProcessingSeconds: null,
    });
  });
});

describe('GetPreferences and UpdatePreferences', () => {
  const valid = {
    defaultQuality: 'high',
    defaultAspectRatio: '9:16',
    defaultVoice: 'en-gb',
    defaultLanguage: 'en-GB',
    defaultNarration: false,
    defaultWebhookUrl: 'https://example.com/hooks',
    extra: { theme: 'dark', pinned: ['a', 'b'] },
  };

  it('stores a valid object, replaces it on the next update, and reads it back', async () => {
    const f = createJobManagementFixture();
    await f.users.upsert({ id: ALICE, email: 'alice@example.com', role: 'user', now: T0 });
    f.clock.advance(1_000);
    const alice = f.principal(ALICE);

    expect(
      (await f.updatePreferences.execute({ principal: alice, preferences: valid }))._unsafeUnwrap(),
    ).toEqual(valid);
    expect((await f.getPreferences.execute({ principal: alice }))._unsafeUnwrap()).toEqual(valid);
    expect((await f.users.findById(ALICE))._unsafeUnwrap()).toMatchObject({
      updatedAt: at(1_000),
      preferences: valid,
    });

    const replaced = (
      await f.updatePreferences.execute({ principal: alice, preferences: { defaultQuality: 'low' } })
    )._unsafeUnwrap();
    expect(replaced).toEqual({ defaultQuality: 'low' });
    expect((await f.getPreferences.execute({ principal: alice }))._unsafeUnwrap()).toEqual({
      defaultQuality: 'low',
    });
    expect((await f.getPreferences.execute({ principal: f.principal(BOB) }))._unsafeUnwrap()).toEqual({});
  });

  it('refuses invalid fields with every field path and keeps the stored preferences', async () => {
    const f = createJobManagementFixture();
    await f.users.upsert({ id: ALICE, email: null, role: 'user', now: T0 });
    const alice = f.principal(ALICE);
    (
      await f.updatePreferences.execute({ principal: alice, preferences: { defaultQuality: 'low' } })
    )._unsafeUnwrap();

    const refused = await f.updatePreferences.execute({
      principal: alice,
      preferences: {
        defaultQuality: 'ultra',
        defaultAspectRatio: '4:3',
        defaultVoice: 'not a voice!',
        defaultWebhookUrl: 'ftp://example.com/x',
        extra: { blob: 'x'.repeat(5_000) },
        colour: 'blue',
      },
    });
    expect(refused._unsafeUnwrapErr()).toMatchObject({ type: 'InvalidPreferences' });
    const paths = (refused._unsafeUnwrapErr() as { issues: readonly { path: string }[] }).issues
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual([
      'colour',
      'defaultAspectRatio',
      'defaultQuality',
      'defaultVoice',
      'defaultWebhookUrl',
      'extra',
    ]);
    expect((await f.getPreferences.execute({ principal: alice }))._unsafeUnwrap()).toEqual({
      defaultQuality: 'low',
    });
  });

  it('creates the user record of a caller who has none', async () => {
    const f = createJobManagementFixture();
    const stored = await f.updatePreferences.execute({
      principal: f.principal('user_new'),
      preferences: { defaultNarration: true },
    });
    expect(stored._unsafeUnwrap()).toEqual({ defaultNarration: true });
    expect((await f.users.findById('user_new'))._unsafeUnwrap()).toMatchObject({
      id: 'user_new',
      role: 'user',
      preferences: { defaultNarration: true },
    });
  });
});
