import { createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * Clerk-format session JWTs for tests, signed with node:crypto only. One RSA-2048 key pair per
 * test file (modules are isolated per file), made on first use. RSA-2048 because Clerk's
 * networkless PEM loader handles only 2048-bit keys.
 */

/** An issuer that looks like a Clerk development instance's Frontend API. */
export const TEST_CLERK_ISSUER = 'https://framecast-test.clerk.accounts.dev';
/** The front end that requests tokens (`azp`). */
export const TEST_CLERK_PARTY = 'http://localhost:3000';
/** A format-valid publishable key for {@link TEST_CLERK_ISSUER}'s host. */
export const TEST_CLERK_PUBLISHABLE_KEY = `pk_test_${Buffer.from('framecast-test.clerk.accounts.dev$').toString('base64')}`;

/** A signing key pair and the PEM public key to configure as `CLERK_JWT_KEY`. */
export interface ClerkTestKeys {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** SPKI PEM. */
  readonly publicKeyPem: string;
  /** PKCS#8 PEM of the private key (for the key-confusion and "pasted the private key" cases). */
  readonly privateKeyPem: string;
}

/** Makes a new RSA key pair (2048 bits unless told). */
export function generateClerkTestKeys(modulusLength = 2048): ClerkTestKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent: 0x10001 });
  return {
    kid: `ins_test_${randomBytes(6).toString('hex')}`,
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

let fileKeys: ClerkTestKeys | undefined;
let otherKeys: ClerkTestKeys | undefined;

/** This test file's key pair (generated once). */
export function clerkTestKeys(): ClerkTestKeys {
  fileKeys ??= generateClerkTestKeys();
  return fileKeys;
}

/** A second key pair, for "signed by someone else". */
function foreignKeys(): ClerkTestKeys {
  otherKeys ??= generateClerkTestKeys();
  return otherKeys;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs `payload` (any JSON, to test odd shapes) as an RS256 JWT with `privateKey`. */
export function signRs256(header: Record<string, unknown>, payload: unknown, privateKey: KeyObject): string {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', ...header })}.${b64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** What a test may set on a session token; `null` removes a default claim. */
export interface SessionTokenOptions {
  /** Claims to add or override (`null` removes the claim). */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Lifetime from `iat`, in seconds. Default 60 (Clerk's). */
  readonly ttlSeconds?: number;
  /** Shifts `iat`/`nbf`/`exp` by this many seconds relative to now (negative = in the past). */
  readonly offsetSeconds?: number;
}

/** Mints Clerk-format session tokens (header `kid`; claims `sub`, `sid`, `iss`, `azp`, `iat`, `nbf`, `exp`). */
export class ClerkTokenFactory {
  constructor(
    readonly keys: ClerkTestKeys = clerkTestKeys(),
    readonly issuer: string = TEST_CLERK_ISSUER,
    readonly party: string = TEST_CLERK_PARTY,
  ) {}

  /** The claims of a fresh session token for `user_test`, before signing. */
  claims(options: SessionTokenOptions = {}): Record<string, unknown> {
    const iat = Math.floor(Date.now() / 1000) + (options.offsetSeconds ?? 0);
    const claims: Record<string, unknown> = {
      azp: this.party,
      exp: iat + (options.ttlSeconds ?? 60),
      fva: [0, -1],
      iat,
      iss: this.issuer,
      nbf: iat - 10,
      sid: 'sess_test_1',
      sts: 'active',
      sub: 'user_test',
      v: 2,
    };
    for (const [name, value] of Object.entries(options.claims ?? {})) {
      if (value === null) delete claims[name];
      else claims[name] = value;
    }
    return claims;
  }

  /** A valid session token. */
  session(options: SessionTokenOptions = {}): string {
    return signRs256({ kid: this.keys.kid }, this.claims(options), this.keys.privateKey);
  }

  /** Expired `agoSeconds` ago (default 60, well beyond Clerk's 5 s skew). */
  expired(agoSeconds = 60): string {
    return this.session({ ttlSeconds: 60, offsetSeconds: -60 - agoSeconds });
  }

  /** `nbf` (and `iat`) `inSeconds` in the future (default 60). */
  notYetValid(inSeconds = 60): string {
    const claims = this.claims({ offsetSeconds: inSeconds });
    return signRs256({ kid: this.keys.kid }, { ...claims, nbf: claims['iat'] }, this.keys.privateKey);
  }

  /** Minted for another front end. */
  wrongParty(): string {
    return this.session({ claims: { azp: 'https://evil.example' } });
  }

  /** Issued by another Clerk instance that (somehow) shares the key. */
  wrongIssuer(): string {
    return this.session({ claims: { iss: 'https://other-instance.clerk.accounts.dev' } });
  }

  /** Same claims and `kid`, signed by another key. */
  badSignature(): string {
    return signRs256({ kid: this.keys.kid }, this.claims(), foreignKeys().privateKey);
  }

  /** A valid token whose payload was changed after signing. */
  tampered(): string {
    const [header, , signature] = this.session().split('.');
    return `${header}.${b64url(this.claims({ claims: { sub: 'user_admin' } }))}.${signature}`;
  }

  /** `alg: none`, empty signature. */
  algNone(): string {
    return `${b64url({ alg: 'none', typ: 'JWT', kid: this.keys.kid })}.${b64url(this.claims())}.`;
  }

  /** HS256 with the PEM public key as the HMAC secret (the classic key-confusion attack). */
  hs256KeyConfusion(): string {
    const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: this.keys.kid })}.${b64url(this.claims())}`;
    return `${input}.${createHmac('sha256', this.keys.publicKeyPem).update(input).digest('base64url')}`;
  }
}
