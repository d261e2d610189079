import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/adapters/memory/fixed-clock.js';
import { InMemoryUserRepository } from '../../../src/adapters/memory/in-memory-user-repository.js';
import { StaticIdentityVerifier } from '../../../src/adapters/memory/static-identity-verifier.js';
import { AuthenticateSession } from '../../../src/application/authenticate-session.js';
import type { VerifiedIdentity } from '../../../src/ports/identity-verifier.js';

const T0 = new Date('2026-01-01T00:00:00.000Z');

function setup() {
  const clock = new FixedClock(T0);
  const users = new InMemoryUserRepository();
  const verifier = new StaticIdentityVerifier(clock);
  const identity = (over: Partial<VerifiedIdentity> = {}): VerifiedIdentity => ({
    userId: 'user_1',
    email: 'ada@example.com',
    role: 'user',
    sessionId: 'sess_1',
    expiresAt: new Date(T0.getTime() + 60_000),
    ...over,
  });
  const useCase = new AuthenticateSession({ verifier, users, clock });
  return { clock, users, verifier, identity, useCase };
}

describe('AuthenticateSession', () => {
  it('turns a valid token into a session principal and upserts the user on first sight', async () => {
    const { users, verifier, identity, useCase } = setup();
    verifier.add('tok-1', identity());
    const principal = (await useCase.execute('tok-1'))._unsafeUnwrap();
    expect(principal).toEqual({ userId: 'user_1', role: 'user', scopes: ['jobs'], via: 'session' });
    const stored = (await users.findById('user_1'))._unsafeUnwrap();
    expect(stored).toMatchObject({ id: 'user_1', email: 'ada@example.com', role: 'user' });
  });

  it('gives admins the admin scope', async () => {
    const { verifier, identity, useCase } = setup();
    verifier.add('tok-admin', identity({ userId: 'user_2', role: 'admin' }));
    const principal = (await useCase.execute('tok-admin'))._unsafeUnwrap();
    expect(principal).toMatchObject({ role: 'admin', scopes: ['jobs', 'admin'] });
  });

  it('updates the stored user when the token says the email or role changed', async () => {
    const { users, verifier, identity, useCase } = setup();
    verifier.add('tok-a', identity());
    await useCase.execute('tok-a');
    verifier.add('tok-b', identity({ email: 'new@example.com', role: 'admin' }));
    await useCase.execute('tok-b');
    expect((await users.findById('user_1'))._unsafeUnwrap()).toMatchObject({
      email: 'new@example.com',
      role: 'admin',
    });
  });

  it('answers Unauthenticated with the verifier reason for bad or expired tokens', async () => {
    const { clock, verifier, identity, useCase } = setup();
    expect((await useCase.execute('unknown'))._unsafeUnwrapErr()).toMatchObject({
      type: 'Unauthenticated',
      reason: expect.stringContaining('invalid session token'),
    });
    verifier.add('tok-short', identity({ expiresAt: new Date(T0.getTime() + 1000) }));
    clock.advance(2000);
    const error = (await useCase.execute('tok-short'))._unsafeUnwrapErr();
    expect(error).toMatchObject({ type: 'Unauthenticated', reason: 'invalid session token: expired' });
  });
});
