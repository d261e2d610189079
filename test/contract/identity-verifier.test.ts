import net from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ClerkIdentityVerifier,
  type ClerkIdentityVerifierOptions,
} from '../../src/adapters/clerk/clerk-identity-verifier.js';
import { validateClerkSettings, type ClerkSettings } from '../../src/adapters/clerk/clerk-settings.js';
import { FIXED_CLOCK_START, FixedClock } from '../../src/adapters/memory/fixed-clock.js';
import { StaticIdentityVerifier } from '../../src/adapters/memory/static-identity-verifier.js';
import {
  ClerkTokenFactory,
  clerkTestKeys,
  generateClerkTestKeys,
  signRs256,
  TEST_CLERK_ISSUER,
  TEST_CLERK_PARTY,
  TEST_CLERK_PUBLISHABLE_KEY,
} from '../support/clerk-tokens.js';
import { describeIdentityVerifierContract, type TokenRequest } from './identity-verifier.contract.js';

const clerkOptions = (
  overrides: Partial<ClerkIdentityVerifierOptions> = {},
): ClerkIdentityVerifierOptions => ({
  jwtKey: clerkTestKeys().publicKeyPem,
  issuer: TEST_CLERK_ISSUER,
  authorizedParties: [TEST_CLERK_PARTY],
  ...overrides,
});

describeIdentityVerifierContract('clerk', () => {
  // Clerk reads the system clock, so the suite fakes `Date` (only) to move time.
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(FIXED_CLOCK_START) });
  const tokens = new ClerkTokenFactory();
  return {
    verifier: new ClerkIdentityVerifier(clerkOptions()),
    clockSkewMs: 5000,
    now: () => new Date(),
    mint: (r: TokenRequest) =>
      tokens.session({
        ttlSeconds: r.ttlSeconds ?? 60,
        claims: {
          sub: r.userId,
          sid: r.sessionId ?? null,
          email: r.email ?? null,
          metadata: r.role === undefined ? null : { role: r.role },
        },
      }),
    mintExpired: (userId, agoSeconds) =>
      tokens.session({ offsetSeconds: -60 - agoSeconds, claims: { sub: userId } }),
    advance: (ms) => vi.setSystemTime(Date.now() + ms),
    close: () => vi.useRealTimers(),
  };
});

describeIdentityVerifierContract('static', () => {
  const clock = new FixedClock();
  const verifier = new StaticIdentityVerifier(clock);
  let n = 0;
  const add = (userId: string, expiresAt: Date, r: Partial<TokenRequest> = {}): string => {
    const token = `static-token-${++n}`;
    verifier.add(token, {
      userId,
      email: r.email ?? null,
      role: r.role ?? 'user',
      sessionId: r.sessionId ?? null,
      expiresAt,
    });
    return token;
  };
  const inSeconds = (s: number) => new Date(clock.now().getTime() + s * 1000);
  return {
    verifier,
    clockSkewMs: 0,
    now: () => clock.now(),
    mint: (r) => add(r.userId, inSeconds(r.ttlSeconds ?? 60), r),
    mintExpired: (userId, agoSeconds) => add(userId, inSeconds(-agoSeconds)),
    advance: (ms) => void clock.advance(ms),
    close: () => undefined,
  };
});

describe('ClerkIdentityVerifier (Clerk only)', () => {
  const tokens = new ClerkTokenFactory();
  let verifier: ClerkIdentityVerifier;
  beforeEach(() => {
    verifier = new ClerkIdentityVerifier(clerkOptions());
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  const reasonOf = async (token: string, v: ClerkIdentityVerifier = verifier) =>
    (await v.verify(token))._unsafeUnwrapErr().reason;

  it.each([
    ['expired', () => tokens.expired(), 'expired'],
    ['not yet valid (nbf in the future)', () => tokens.notYetValid(), 'not yet valid'],
    [
      'issued in the future (iat only)',
      () => tokens.session({ claims: { iat: Math.floor(Date.now() / 1000) + 60 } }),
      'not yet valid',
    ],
    ['for another front end (azp)', () => tokens.wrongParty(), 'wrong authorized party'],
    ['without azp', () => tokens.session({ claims: { azp: null } }), 'wrong authorized party'],
    ['from another issuer', () => tokens.wrongIssuer(), 'wrong issuer'],
    ['without iss', () => tokens.session({ claims: { iss: null } }), 'wrong issuer'],
    ['signed by another key', () => tokens.badSignature(), 'bad signature'],
    ['altered after signing', () => tokens.tampered(), 'bad signature'],
    ['alg none', () => tokens.algNone(), 'unsupported algorithm'],
    [
      'HS256 with the PEM as secret (key confusion)',
      () => tokens.hs256KeyConfusion(),
      'unsupported algorithm',
    ],
    ['without sub', () => tokens.session({ claims: { sub: null } }), 'malformed'],
    ['with an empty sub', () => tokens.session({ claims: { sub: '' } }), 'malformed'],
    ['without exp', () => tokens.session({ claims: { exp: null } }), 'malformed'],
    [
      'with a (signed) null payload',
      () => signRs256({ kid: tokens.keys.kid }, null, tokens.keys.privateKey),
      'malformed',
    ],
    [
      'with a (signed) array payload',
      () => signRs256({ kid: tokens.keys.kid }, [tokens.claims()], tokens.keys.privateKey),
      'malformed',
    ],
    ['of two parts', () => tokens.session().split('.').slice(0, 2).join('.'), 'malformed'],
    ['longer than 16 KiB', () => 'a'.repeat(20_000), 'malformed'],
  ])('rejects a token %s', async (_, make, reason) => {
    expect(await reasonOf(make())).toBe(reason);
  });

  it('accepts a token that expired within the clock skew, and not beyond it', async () => {
    const twoSecondsAgo = tokens.session({ ttlSeconds: 60, offsetSeconds: -62 });
    expect((await verifier.verify(twoSecondsAgo)).isOk()).toBe(true);
    expect(await reasonOf(twoSecondsAgo, new ClerkIdentityVerifier(clerkOptions({ clockSkewMs: 0 })))).toBe(
      'expired',
    );
    expect(await reasonOf(tokens.session({ ttlSeconds: 60, offsetSeconds: -66 }))).toBe('expired');
  });

  it('accepts a token whose nbf is within the clock skew', async () => {
    const soon = tokens.claims();
    const token = new ClerkTokenFactory().session({ claims: { nbf: (soon['iat'] as number) + 3 } });
    expect((await verifier.verify(token)).isOk()).toBe(true);
  });

  it('accepts an issuer configured or claimed with a trailing slash', async () => {
    const slashed = new ClerkIdentityVerifier(clerkOptions({ issuer: `${TEST_CLERK_ISSUER}/` }));
    expect((await slashed.verify(tokens.session())).isOk()).toBe(true);
    expect((await verifier.verify(tokens.session({ claims: { iss: `${TEST_CLERK_ISSUER}/` } }))).isOk()).toBe(
      true,
    );
  });

  it.each([
    ['metadata.role = admin', { metadata: { role: 'admin' } }, undefined, 'admin'],
    ['public_metadata.role = admin', { public_metadata: { role: 'admin' } }, undefined, 'admin'],
    ['metadata.role = user', { metadata: { role: 'user' } }, undefined, 'user'],
    ['metadata.role = Admin (case matters)', { metadata: { role: 'Admin' } }, undefined, 'user'],
    ['no metadata', {}, undefined, 'user'],
    [
      'unsafe_metadata.role = admin (user-writable)',
      { unsafe_metadata: { role: 'admin' } },
      undefined,
      'user',
    ],
    ['a top-level role = admin', { role: 'admin' }, undefined, 'user'],
    [
      'custom claim app.roles containing admin',
      { app: { roles: ['editor', 'admin'] } },
      'app.roles',
      'admin',
    ],
    ['custom claim, metadata.role ignored', { metadata: { role: 'admin' } }, 'app.roles', 'user'],
    [
      'custom claim, public_metadata.role still accepted',
      { public_metadata: { role: 'admin' } },
      'app.roles',
      'admin',
    ],
    ['metadata is a string', { metadata: 'admin' }, undefined, 'user'],
  ])('maps the role from %s', async (_, claims, adminClaim, role) => {
    const v = new ClerkIdentityVerifier(clerkOptions(adminClaim === undefined ? {} : { adminClaim }));
    const identity = (await v.verify(tokens.session({ claims })))._unsafeUnwrap();
    expect(identity.role).toBe(role);
  });

  it('maps sub, sid, email and exp', async () => {
    const claims = tokens.claims({
      claims: { sub: 'user_2abc', sid: 'sess_2xyz', email: 'ada@example.com' },
    });
    const token = tokens.session({
      claims: { sub: 'user_2abc', sid: 'sess_2xyz', email: 'ada@example.com' },
    });
    expect((await verifier.verify(token))._unsafeUnwrap()).toEqual({
      userId: 'user_2abc',
      sessionId: 'sess_2xyz',
      email: 'ada@example.com',
      role: 'user',
      expiresAt: new Date((claims['exp'] as number) * 1000),
    });
  });

  it('makes no network access, for valid and invalid tokens alike', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('network access during verification')));
    vi.stubGlobal('fetch', fetchSpy);
    const connect = vi.spyOn(net, 'connect');
    const createConnection = vi.spyOn(net, 'createConnection');
    try {
      const fresh = new ClerkIdentityVerifier(clerkOptions({ cacheTtlMs: 0 }));
      const all = [
        tokens.session(),
        tokens.expired(),
        tokens.badSignature(),
        tokens.algNone(),
        tokens.wrongParty(),
      ];
      const results = await Promise.all(all.map((t) => fresh.verify(t)));
      expect(results.map((r) => r.isOk())).toEqual([true, false, false, false, false]);
      expect(fetchSpy).not.toHaveBeenCalled();
      expect(connect).not.toHaveBeenCalled();
      expect(createConnection).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('accepts a PEM whose newlines arrived as literal \\n (one-line environment variable)', async () => {
    const oneLine = clerkTestKeys().publicKeyPem.trim().replace(/\n/g, '\\n');
    const v = new ClerkIdentityVerifier(clerkOptions({ jwtKey: oneLine }));
    expect((await v.verify(tokens.session())).isOk()).toBe(true);
  });

  it('refuses unusable settings at construction, listing every problem', () => {
    expect(
      () =>
        new ClerkIdentityVerifier(
          clerkOptions({ jwtKey: 'nope', issuer: 'http://x', authorizedParties: [] }),
        ),
    ).toThrow(/CLERK_JWT_KEY[\s\S]*CLERK_ISSUER[\s\S]*CLERK_AUTHORIZED_PARTIES/);
    expect(() => new ClerkIdentityVerifier(clerkOptions({ clockSkewMs: -1 }))).toThrow(/clockSkewMs/);
    expect(() => new ClerkIdentityVerifier(clerkOptions({ adminClaim: 'unsafe_metadata.role' }))).toThrow(
      /unsafe_metadata/,
    );
  });

  describe('cache', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'], now: new Date(FIXED_CLOCK_START) });
    });

    it('verifies a repeated token once and serves the rest from the cache', async () => {
      const token = tokens.session();
      for (let i = 0; i < 5; i++) expect((await verifier.verify(token)).isOk()).toBe(true);
      expect(verifier.cacheStats()).toEqual({ size: 1, hits: 4, misses: 1 });
    });

    it('keeps an entry at most cacheTtlMs', async () => {
      const v = new ClerkIdentityVerifier(clerkOptions({ cacheTtlMs: 10_000 }));
      const token = tokens.session({ ttlSeconds: 60 });
      await v.verify(token);
      vi.setSystemTime(Date.now() + 9_999);
      await v.verify(token);
      expect(v.cacheStats()).toMatchObject({ hits: 1, misses: 1 });
      vi.setSystemTime(Date.now() + 1);
      expect((await v.verify(token)).isOk()).toBe(true);
      expect(v.cacheStats()).toMatchObject({ hits: 1, misses: 2 });
    });

    it('never serves an entry at or past the token exp', async () => {
      const token = tokens.session({ ttlSeconds: 4 });
      await verifier.verify(token);
      vi.setSystemTime(Date.now() + 4_000);
      // Still inside Clerk's skew: verified again (a miss), not served from the cache.
      expect((await verifier.verify(token)).isOk()).toBe(true);
      expect(verifier.cacheStats()).toMatchObject({ hits: 0, misses: 2, size: 0 });
    });

    it('does not cache failures', async () => {
      const bad = tokens.wrongIssuer();
      expect(await reasonOf(bad)).toBe('wrong issuer');
      expect(await reasonOf(bad)).toBe('wrong issuer');
      expect(verifier.cacheStats()).toEqual({ size: 0, hits: 0, misses: 2 });
    });

    it('is bounded, dropping the least recently used token', async () => {
      const v = new ClerkIdentityVerifier(clerkOptions({ cacheMaxEntries: 2 }));
      const [a, b, c] = ['user_a', 'user_b', 'user_c'].map((sub) => tokens.session({ claims: { sub } }));
      await v.verify(a!);
      await v.verify(b!);
      await v.verify(a!); // a is now the most recent
      await v.verify(c!); // evicts b
      expect(v.cacheStats()).toEqual({ size: 2, hits: 1, misses: 3 });
      await v.verify(a!);
      await v.verify(b!);
      expect(v.cacheStats()).toEqual({ size: 2, hits: 2, misses: 4 });
    });

    it('can be disabled', async () => {
      const v = new ClerkIdentityVerifier(clerkOptions({ cacheTtlMs: 0 }));
      const token = tokens.session();
      await v.verify(token);
      await v.verify(token);
      expect(v.cacheStats()).toEqual({ size: 0, hits: 0, misses: 2 });
    });
  });
});

describe('validateClerkSettings', () => {
  const valid: ClerkSettings = {
    publishableKey: TEST_CLERK_PUBLISHABLE_KEY,
    secretKey: 'sk_test_abc123',
    jwtKey: clerkTestKeys().publicKeyPem,
    issuer: TEST_CLERK_ISSUER,
    authorizedParties: [TEST_CLERK_PARTY, 'https://app.example.com'],
    adminClaim: 'metadata.role',
  };
  const pem = (type: 'rsa' | 'ec' | 'ed25519', modulusLength = 2048): string => {
    if (type === 'rsa') return generateClerkTestKeys(modulusLength).publicKeyPem;
    const pair =
      type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
    return pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  };
  const pkcs1 = () =>
    generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();

  it('accepts valid settings, with or without the optional keys', () => {
    expect(validateClerkSettings(valid)).toEqual([]);
    expect(
      validateClerkSettings({
        jwtKey: valid.jwtKey,
        issuer: valid.issuer,
        authorizedParties: valid.authorizedParties,
      }),
    ).toEqual([]);
    expect(
      validateClerkSettings({
        ...valid,
        publishableKey: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k',
        secretKey: 'sk_live_x',
      }),
    ).toEqual([]);
  });

  it.each<[string, Partial<ClerkSettings>, RegExp]>([
    [
      'publishable key with a wrong prefix',
      { publishableKey: 'pk_prod_abc' },
      /^CLERK_PUBLISHABLE_KEY: must look like/,
    ],
    ['publishable key that is a secret key', { publishableKey: 'sk_test_abc' }, /^CLERK_PUBLISHABLE_KEY/],
    [
      'publishable key whose host does not decode',
      { publishableKey: 'pk_test_bm90LWEta2V5' },
      /^CLERK_PUBLISHABLE_KEY: is not a valid/,
    ],
    ['empty publishable key', { publishableKey: '' }, /^CLERK_PUBLISHABLE_KEY/],
    ['empty secret key', { secretKey: '' }, /^CLERK_SECRET_KEY: must not be empty/],
    ['blank secret key', { secretKey: '   ' }, /^CLERK_SECRET_KEY: must not be empty/],
    ['secret key of another instance type', { secretKey: 'sk_live_abc' }, /^CLERK_SECRET_KEY: is a live key/],
    ['empty JWT key', { jwtKey: '' }, /^CLERK_JWT_KEY: must not be empty/],
    [
      'JWT key that is not PEM',
      { jwtKey: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA' },
      /^CLERK_JWT_KEY: must be a PEM public key/,
    ],
    [
      'JWT key with a corrupt body',
      { jwtKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' },
      /^CLERK_JWT_KEY: is not a parsable/,
    ],
    [
      'JWT key that is the private key',
      { jwtKey: clerkTestKeys().privateKeyPem },
      /^CLERK_JWT_KEY: is a private key/,
    ],
    ['JWT key in PKCS#1 form', { jwtKey: pkcs1() }, /^CLERK_JWT_KEY: must be a PEM public key/],
    ['EC JWT key', { jwtKey: pem('ec') }, /^CLERK_JWT_KEY: must be an RSA public key, got ec/],
    ['Ed25519 JWT key', { jwtKey: pem('ed25519') }, /^CLERK_JWT_KEY: must be an RSA public key/],
    ['RSA-4096 JWT key', { jwtKey: pem('rsa', 4096) }, /^CLERK_JWT_KEY: must be a 2048-bit RSA key.*4096/],
    [
      'http issuer',
      { issuer: 'http://framecast-test.clerk.accounts.dev' },
      /^CLERK_ISSUER: must be an https URL/,
    ],
    [
      'issuer that is not a URL',
      { issuer: 'framecast-test.clerk.accounts.dev' },
      /^CLERK_ISSUER: must be an https URL/,
    ],
    ['issuer with a path', { issuer: `${TEST_CLERK_ISSUER}/v1` }, /^CLERK_ISSUER: must be an origin/],
    ['no authorized parties', { authorizedParties: [] }, /^CLERK_AUTHORIZED_PARTIES: list at least one/],
    [
      'a party with a path',
      { authorizedParties: ['https://app.example.com/login'] },
      /^CLERK_AUTHORIZED_PARTIES: "https:\/\/app.example.com\/login" is not an origin/,
    ],
    ['a party with a trailing slash', { authorizedParties: ['https://app.example.com/'] }, /not an origin/],
    ['a party without scheme', { authorizedParties: ['app.example.com'] }, /not an origin/],
    ['a party with another scheme', { authorizedParties: ['ftp://app.example.com'] }, /not an origin/],
    [
      'an admin claim in unsafe_metadata',
      { adminClaim: 'unsafe_metadata.role' },
      /^CLERK_ADMIN_CLAIM: unsafe_metadata/,
    ],
    [
      'an admin claim that is not a path',
      { adminClaim: 'metadata..role' },
      /^CLERK_ADMIN_CLAIM: must be a dotted/,
    ],
  ])('reports %s', (_, change, problem) => {
    const problems = validateClerkSettings({ ...valid, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it('lists every problem at once and never echoes a secret', () => {
    const problems = validateClerkSettings({
      publishableKey: 'pk_nope',
      secretKey: '',
      jwtKey: clerkTestKeys().privateKeyPem,
      issuer: 'nope',
      authorizedParties: ['nope'],
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'CLERK_PUBLISHABLE_KEY',
      'CLERK_SECRET_KEY',
      'CLERK_JWT_KEY',
      'CLERK_ISSUER',
      'CLERK_AUTHORIZED_PARTIES',
    ]);
    expect(problems.join('\n')).not.toContain('PRIVATE');
  });

  it('accepts a one-line PEM with literal \\n and surrounding quotes', () => {
    const oneLine = `"${clerkTestKeys().publicKeyPem.trim().replace(/\n/g, '\\n')}"`;
    expect(validateClerkSettings({ ...valid, jwtKey: oneLine })).toEqual([]);
  });
});

describe('StaticIdentityVerifier (static only)', () => {
  const identity = { userId: 'user_1', email: null, role: 'user' as const, sessionId: null };

  it('honours expiry by its clock, exactly at expiresAt', async () => {
    const clock = new FixedClock();
    const verifier = new StaticIdentityVerifier(clock, [
      ['t', { ...identity, expiresAt: new Date(clock.now().getTime() + 1000) }],
    ]);
    clock.advance(999);
    expect((await verifier.verify('t')).isOk()).toBe(true);
    clock.advance(1);
    expect((await verifier.verify('t'))._unsafeUnwrapErr().reason).toBe('expired');
  });

  it('forgets removed tokens and refuses invalid entries', async () => {
    const clock = new FixedClock();
    const verifier = new StaticIdentityVerifier(clock).add('t', {
      ...identity,
      expiresAt: new Date('2030-01-01'),
    });
    expect(verifier.remove('t')).toBe(true);
    expect((await verifier.verify('t'))._unsafeUnwrapErr().reason).toBe('unknown token');
    expect(() => verifier.add('', { ...identity, expiresAt: new Date('2030-01-01') })).toThrow(RangeError);
    expect(() => verifier.add('u', { ...identity, expiresAt: new Date('nope') })).toThrow(RangeError);
  });

  it('keeps its own copy of an added identity', async () => {
    const clock = new FixedClock();
    const expiresAt = new Date('2030-01-01');
    const verifier = new StaticIdentityVerifier(clock).add('t', { ...identity, expiresAt });
    expiresAt.setTime(0);
    expect((await verifier.verify('t'))._unsafeUnwrap().expiresAt).toEqual(new Date('2030-01-01'));
  });
});
