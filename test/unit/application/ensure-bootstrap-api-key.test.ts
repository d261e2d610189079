import { describe, expect, it } from 'vitest';
import { API_KEY_PREFIX, hashApiKey } from '../../../src/application/api-keys.js';
import { InMemoryAuditLog } from '../../../src/adapters/memory/in-memory-audit-log.js';
import { EnsureBootstrapApiKey, LOCAL_ADMIN_ID } from '../../../src/application/ensure-bootstrap-api-key.js';
import { ALICE, createApplicationFixture, seqId, T0 } from '../../support/application-fixture.js';

const CONFIGURED = 'configured-operator-key-0123456789';

describe('EnsureBootstrapApiKey', () => {
  it('registers the configured key for the local admin, accepted by AuthenticateApiKey', async () => {
    const f = createApplicationFixture();

    expect(
      (
        await f.ensureBootstrapApiKey.execute({ configuredKey: CONFIGURED, generateIfNone: true })
      )._unsafeUnwrap(),
    ).toEqual({
      outcome: 'configured',
    });

    expect((await f.apiKeys.findByHash(hashApiKey(CONFIGURED)))._unsafeUnwrap()).toEqual({
      id: seqId(1),
      ownerId: LOCAL_ADMIN_ID,
      name: 'FRAMECAST_API_KEY',
      prefix: CONFIGURED.slice(0, 10),
      hash: hashApiKey(CONFIGURED),
      scopes: ['jobs', 'admin'],
      createdAt: T0,
      revokedAt: null,
      lastUsedAt: null,
    });
    expect((await f.users.findById(LOCAL_ADMIN_ID))._unsafeUnwrap()).toMatchObject({
      role: 'admin',
      email: null,
    });
    expect((await f.authenticateApiKey.execute(CONFIGURED))._unsafeUnwrap()).toEqual({
      userId: LOCAL_ADMIN_ID,
      role: 'admin',
      scopes: ['jobs', 'admin'],
      via: 'api-key',
      keyId: seqId(1),
    });
  });

  it('registers the configured key only once across restarts', async () => {
    const f = createApplicationFixture();
    for (let i = 0; i < 3; i += 1)
      expect(
        (
          await f.ensureBootstrapApiKey.execute({ configuredKey: CONFIGURED, generateIfNone: false })
        )._unsafeUnwrap(),
      ).toEqual({ outcome: 'configured' });
    expect((await f.apiKeys.count())._unsafeUnwrap()).toBe(1);
  });

  it('registers the configured key even when other keys exist', async () => {
    const f = createApplicationFixture();
    (
      await f.ensureBootstrapApiKey.execute({ configuredKey: undefined, generateIfNone: true })
    )._unsafeUnwrap();
    expect(
      (
        await f.ensureBootstrapApiKey.execute({ configuredKey: CONFIGURED, generateIfNone: true })
      )._unsafeUnwrap(),
    ).toEqual({
      outcome: 'configured',
    });
    expect((await f.apiKeys.count())._unsafeUnwrap()).toBe(2);
    expect((await f.authenticateApiKey.execute(CONFIGURED)).isOk()).toBe(true);
  });

  it('generates a key, shown once, when none exists and generateIfNone is set', async () => {
    const f = createApplicationFixture();

    const result = (
      await f.ensureBootstrapApiKey.execute({ configuredKey: undefined, generateIfNone: true })
    )._unsafeUnwrap();

    expect(result.outcome).toBe('generated');
    const key = result.key!;
    expect(key).toMatch(/^fc_[A-Za-z0-9_-]{32}$/);
    expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
    const stored = (await f.apiKeys.findByHash(hashApiKey(key)))._unsafeUnwrap()!;
    expect(stored).toMatchObject({
      ownerId: LOCAL_ADMIN_ID,
      name: 'generated development key',
      scopes: ['jobs', 'admin'],
    });
    expect(JSON.stringify(stored)).not.toContain(key);
    expect((await f.authenticateApiKey.execute(key))._unsafeUnwrap()).toMatchObject({
      userId: LOCAL_ADMIN_ID,
      role: 'admin',
    });
  });

  it("answers 'existing' and generates nothing when keys exist", async () => {
    const f = createApplicationFixture();
    (
      await f.apiKeys.insert({
        id: 'k',
        ownerId: ALICE,
        name: 'alice',
        prefix: 'fc_abc',
        hash: hashApiKey('fc_alice-key-0000000000000000'),
        scopes: ['jobs'],
        createdAt: T0,
        revokedAt: T0,
        lastUsedAt: null,
      })
    )._unsafeUnwrap();

    expect(
      (
        await f.ensureBootstrapApiKey.execute({ configuredKey: undefined, generateIfNone: true })
      )._unsafeUnwrap(),
    ).toEqual({
      outcome: 'existing',
    });
    expect((await f.apiKeys.count())._unsafeUnwrap()).toBe(1);
    expect((await f.users.findById(LOCAL_ADMIN_ID))._unsafeUnwrap()).toBeNull();
  });

  it("answers 'existing' and generates nothing without generateIfNone", async () => {
    const f = createApplicationFixture();
    expect(
      (
        await f.ensureBootstrapApiKey.execute({ configuredKey: undefined, generateIfNone: false })
      )._unsafeUnwrap(),
    ).toEqual({
      outcome: 'existing',
    });
    expect((await f.apiKeys.count())._unsafeUnwrap()).toBe(0);
  });

  it('generates only once: the second start finds the generated key', async () => {
    const f = createApplicationFixture();
    const first = (
      await f.ensureBootstrapApiKey.execute({ configuredKey: undefined, generateIfNone: true })
    )._unsafeUnwrap();
    const second = (
      await f.ensureBootstrapApiKey.execute({ configuredKey: undefined, generateIfNone: true })
    )._unsafeUnwrap();
    expect(first.outcome).toBe('generated');
    expect(second).toEqual({ outcome: 'existing' });
    expect((await f.apiKeys.count())._unsafeUnwrap()).toBe(1);
  });
});

describe('EnsureBootstrapApiKey audit trail', () => {
  it('records an audit row for every key it registers, without the key itself', async () => {
    const f = createApplicationFixture();
    const audit = new InMemoryAuditLog();
    const useCase = new EnsureBootstrapApiKey({
      apiKeys: f.apiKeys,
      users: f.users,
      clock: f.clock,
      ids: f.ids,
      audit,
    });
    await useCase.execute({ configuredKey: CONFIGURED, generateIfNone: false });
    await useCase.execute({ configuredKey: CONFIGURED, generateIfNone: false });
    const rows = (await audit.list({ limit: 10 }))._unsafeUnwrap().items;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorId: LOCAL_ADMIN_ID,
      action: 'api-key.created',
      targetType: 'api-key',
      targetId: seqId(1),
      at: T0,
    });
    expect(JSON.stringify(rows)).not.toContain(CONFIGURED);
  });
});
