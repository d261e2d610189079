import { describe, expect, it } from 'vitest';
import {
  RateLimitLeases,
  type LeaseGrant,
  type LeasedCount,
  type LeaseRequester,
} from '../../../src/adapters/redis/rate-limit-leases.js';

/**
 * A shared counter that answers lease requests as RATE_LIMIT_LEASE_LUA does, on a fake clock,
 * either at once or when `flush()` is called (to hold requests in flight).
 */
class FakeRedis {
  now = 0;
  requests = 0;
  failWith: Error | null = null;
  private readonly counters = new Map<string, { value: number; endsAt: number }>();
  private readonly held: (() => void)[] = [];
  constructor(private readonly deferred = false) {}

  readonly request: LeaseRequester = (key, timeWindow, max, want, callback) => {
    this.requests += 1;
    const answer = (): void => {
      if (this.failWith !== null) return callback(this.failWith);
      let c = this.counters.get(key);
      if (c === undefined || c.endsAt <= this.now) {
        c = { value: 0, endsAt: this.now + timeWindow };
        this.counters.set(key, c);
      }
      const granted = c.value + want > max ? Math.max(max - c.value, 1) : want;
      c.value += granted;
      const grant: LeaseGrant = { current: c.value, ttlMs: c.endsAt - this.now, granted };
      callback(null, grant);
    };
    if (this.deferred) this.held.push(answer);
    else answer();
  };

  count(key: string): number {
    return this.counters.get(key)?.value ?? 0;
  }

  flush(): void {
    for (const answer of this.held.splice(0)) answer();
  }
}

function hit(
  leases: RateLimitLeases,
  key: string,
  max: number,
  window = 60_000,
): { result?: LeasedCount; error?: Error } {
  const out: { result?: LeasedCount; error?: Error } = {};
  leases.incr(
    key,
    (error, result) => {
      if (error !== null) out.error = error;
      else if (result !== undefined) out.result = result;
    },
    window,
    max,
  );
  return out;
}

describe('RateLimitLeases', () => {
  it('sizes leases as 1% of the limit, between 1 and maxLeaseSize', () => {
    const leases = new RateLimitLeases({ request: new FakeRedis().request });
    expect(leases.leaseSize(3)).toBe(1);
    expect(leases.leaseSize(100)).toBe(1);
    expect(leases.leaseSize(600)).toBe(6);
    expect(leases.leaseSize(10_000_000)).toBe(256);
    expect(new RateLimitLeases({ request: new FakeRedis().request, maxLeaseSize: 1 }).leaseSize(1e6)).toBe(1);
  });

  it('one process: exact counts, one Redis round trip per lease, 429 past the limit without Redis', () => {
    const redis = new FakeRedis();
    const leases = new RateLimitLeases({ request: redis.request, now: () => redis.now });
    const currents: number[] = [];
    for (let i = 0; i < 650; i += 1) currents.push(hit(leases, 'k', 600).result!.current);
    expect(currents.slice(0, 600)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(currents.slice(600).every((c) => c > 600)).toBe(true);
    expect(redis.count('k')).toBe(600); // 100 leases of 6; past the limit nothing more is asked
    expect(redis.requests).toBe(100);
  });

  it('never admits more than max per window across processes, and wastes at most (N - 1) × (lease - 1)', () => {
    const redis = new FakeRedis();
    const processes = [0, 1, 2].map(
      () => new RateLimitLeases({ request: redis.request, now: () => redis.now }),
    );
    let admitted = 0;
    for (let i = 0; i < 3_000; i += 1) {
      const p = processes[(i * 7) % 3]!;
      if (hit(p, 'user', 1_000).result!.current <= 1_000) admitted += 1;
    }
    const lease = processes[0]!.leaseSize(1_000);
    expect(lease).toBe(10);
    expect(admitted).toBeLessThanOrEqual(1_000);
    expect(admitted).toBeGreaterThanOrEqual(1_000 - 2 * (lease - 1));
  });

  it('starts a new window when the old one ends: leased hits are never used after it', () => {
    const redis = new FakeRedis();
    const leases = new RateLimitLeases({ request: redis.request, now: () => redis.now });
    expect(hit(leases, 'k', 1_000, 1_000).result).toEqual({ current: 1, ttl: 1_000 });
    redis.now = 999;
    expect(hit(leases, 'k', 1_000, 1_000).result).toEqual({ current: 2, ttl: 1 });
    redis.now = 1_000; // 8 hits of the first lease are still unused: they belong to the old window
    expect(hit(leases, 'k', 1_000, 1_000).result).toEqual({ current: 1, ttl: 1_000 });
    expect(redis.requests).toBe(2);
  });

  it('refuses the rest of a full window locally, and counts again in the next one', () => {
    const redis = new FakeRedis();
    const leases = new RateLimitLeases({ request: redis.request, now: () => redis.now });
    for (let i = 0; i < 200; i += 1) hit(leases, 'k', 200, 1_000);
    const requests = redis.requests;
    const refused = hit(leases, 'k', 200, 1_000).result!;
    expect(refused.current).toBeGreaterThan(200);
    for (let i = 0; i < 100; i += 1)
      expect(hit(leases, 'k', 200, 1_000).result!.current).toBeGreaterThan(200);
    expect(redis.requests).toBe(requests); // the last lease reached the limit: refused locally
    redis.now = 1_000;
    expect(hit(leases, 'k', 200, 1_000).result!.current).toBe(1);
  });

  it('queues concurrent requests behind the one lease request in flight, served in order', () => {
    const redis = new FakeRedis(true);
    const leases = new RateLimitLeases({ request: redis.request, now: () => redis.now });
    const pending = Array.from({ length: 15 }, () => hit(leases, 'k', 1_000));
    expect(redis.requests).toBe(1);
    expect(pending.every((p) => p.result === undefined)).toBe(true);
    redis.flush(); // first lease: 10 hits, then one more lease request for the other 5
    expect(redis.requests).toBe(2);
    redis.flush();
    expect(pending.map((p) => p.result!.current)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('passes an outage to every waiting request and asks Redis again next time', () => {
    const redis = new FakeRedis(true);
    const leases = new RateLimitLeases({ request: redis.request, now: () => redis.now });
    const pending = [hit(leases, 'k', 1_000), hit(leases, 'k', 1_000)];
    redis.failWith = new Error('redis down');
    redis.flush();
    expect(pending.map((p) => p.error?.message)).toEqual(['redis down', 'redis down']);
    expect(leases.size).toBe(0);
    redis.failWith = null;
    const next = hit(leases, 'k', 1_000);
    redis.flush();
    expect(next.result).toEqual({ current: 1, ttl: 60_000 });
  });

  it('forgets ended windows', () => {
    const redis = new FakeRedis();
    const leases = new RateLimitLeases({ request: redis.request, now: () => redis.now });
    for (let i = 0; i < 1_000; i += 1) hit(leases, `user-${i}`, 1_000, 100);
    expect(leases.size).toBe(1_000);
    redis.now = 100;
    for (let i = 0; i < 24; i += 1) hit(leases, 'other', 1_000, 100);
    expect(leases.size).toBe(1);
  });
});
