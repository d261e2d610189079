/**
 * Lease script: takes up to `want` hits of a fixed window's counter in one round trip, never
 * more than the window has left (but always at least one, so a request past the limit is counted
 * as the per-request script counts it). PEXPIRE on the first hit of a window (or when a key has no
 * expiry). Returns `{ current, ttlMs, granted }`: the counter after the grant, the window's rest in
 * ms, and how many hits were granted. Shares its keys with `RATE_LIMIT_LUA` (the per-request
 * script of `redis-rate-limit-store.ts`): processes on
 * either path count against the same limit.
 */
export const RATE_LIMIT_LEASE_LUA = `
  local key = KEYS[1]
  local timeWindow = tonumber(ARGV[1])
  local max = tonumber(ARGV[2])
  local want = tonumber(ARGV[3])

  local current = tonumber(redis.call('GET', key) or '0')
  local granted = want
  if current + want > max then
    granted = math.max(max - current, 1)
  end

  local after = redis.call('INCRBY', key, granted)
  local ttl = redis.call('PTTL', key)
  if after == granted or ttl < 0 then
    redis.call('PEXPIRE', key, timeWindow)
    ttl = timeWindow
  end

  return {after, ttl, granted}
`;

/** A counter's state as @fastify/rate-limit wants it: hits in the window and the window's rest, in ms. */
export interface LeasedCount {
  readonly current: number;
  readonly ttl: number;
}

/** Reply of {@link RATE_LIMIT_LEASE_LUA}. */
export interface LeaseGrant {
  /** The window's counter after the grant (every process's hits). */
  readonly current: number;
  /** The window's rest when Redis answered, in ms. */
  readonly ttlMs: number;
  /** Hits granted to this process (>= 1). */
  readonly granted: number;
}

type Callback = (error: Error | null, result?: LeasedCount) => void;

/** Sends one lease request (the {@link RATE_LIMIT_LEASE_LUA} script) and calls back with its reply. */
export type LeaseRequester = (
  key: string,
  timeWindowMs: number,
  max: number,
  want: number,
  callback: (error: Error | null, grant?: LeaseGrant) => void,
) => void;

interface Lease {
  /** The counter Redis reported after this process's last grant. */
  through: number;
  /** Granted hits not handed out yet; hit `k` of a grant reports `through - left`. */
  left: number;
  /** When the window ends, in `now()` ms: send time + the TTL Redis reported (never after Redis's end). */
  endsAt: number;
  /** Requests waiting for the lease request in flight (at most one per key). */
  readonly waiting: { callback: Callback; timeWindow: number; max: number }[];
  inFlight: boolean;
}

/** Options of {@link RateLimitLeases}. */
export interface RateLimitLeasesOptions {
  readonly request: LeaseRequester;
  /** Most hits one lease takes. Default 256. */
  readonly maxLeaseSize?: number;
  /** A lease takes at most this fraction of the limit (rounded up). Default 0.01 (1%). */
  readonly leaseFraction?: number;
  /** Monotonic-enough clock in ms (tests). Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Local admission in front of a shared Redis counter: instead of one Redis round trip per request,
 * a process takes a **lease** of several hits of the caller's window (`INCRBY`, capped by what the
 * window has left) and hands them out locally, one per request, until they run out or the window
 * ends. Once Redis reports the window full, the rest of the window is refused locally (a window's
 * counter never goes down, so that answer cannot change until the window ends).
 *
 * Correctness, across any number of processes sharing the counter:
 * - **never over-admits**: a hit is handed out only after Redis counted it, and a lease never
 *   takes more than the window has left, so at most `max` requests per window are admitted in total;
 * - **bounded under-admission**: hits leased by one process but unused when the window ends are
 *   lost to the others, at most `leaseSize(max) - 1` per other process and window (with the
 *   defaults 1% of the limit, at most 255), so a caller spread over N processes is admitted at least
 *   `max - (N - 1) * (leaseSize - 1)` times per window; one process alone is exact;
 * - a leased hit is used only before the window ends (its end is computed from the time the lease
 *   was *sent*), never in the next window;
 * - the counts reported per request (`current`, hence `RateLimit-Remaining`) are this process's
 *   view: exact for one process, and never lower than the true count minus the other processes'
 *   unused leased hits.
 *
 * Limits of `max < 2 / leaseFraction` (under 200 per window with the defaults) get lease size 1
 * and should use the per-request path: {@link leaseSize} tells.
 */
export class RateLimitLeases {
  private readonly leases = new Map<string, Lease>();
  private readonly request: LeaseRequester;
  private readonly maxLeaseSize: number;
  private readonly leaseFraction: number;
  private readonly now: () => number;
  private calls = 0;

  constructor(options: RateLimitLeasesOptions) {
    this.request = options.request;
    this.maxLeaseSize = Math.max(1, Math.floor(options.maxLeaseSize ?? 256));
    this.leaseFraction = options.leaseFraction ?? 0.01;
    this.now = options.now ?? Date.now;
  }

  /** Hits one lease takes for a limit of `max` per window: `ceil(max × leaseFraction)`, 1..maxLeaseSize. */
  leaseSize(max: number): number {
    if (!(max > 0) || !Number.isFinite(max)) return 1;
    return Math.min(this.maxLeaseSize, Math.max(1, Math.ceil(max * this.leaseFraction)));
  }

  /** Number of keys with local state (tests, introspection). */
  get size(): number {
    return this.leases.size;
  }

  /**
   * Counts one hit of `key` and calls back with the window's count as this process sees it (or the
   * requester's error, for every request waiting on that lease request).
   */
  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    if ((this.calls += 1) % 1024 === 0) this.sweep();
    this.admit(key, callback, timeWindow, max);
  }

  private admit(key: string, callback: Callback, timeWindow: number, max: number): void {
    const now = this.now();
    let lease = this.leases.get(key);
    if (lease !== undefined && !lease.inFlight) {
      if (lease.endsAt <= now) {
        this.leases.delete(key);
        lease = undefined;
      } else if (lease.left > 0) {
        lease.left -= 1;
        callback(null, { current: lease.through - lease.left, ttl: lease.endsAt - now });
        return;
      } else if (lease.through >= max) {
        // Redis said the window is full: it stays full until it ends.
        callback(null, { current: lease.through + 1, ttl: lease.endsAt - now });
        return;
      }
    }
    if (lease === undefined) {
      lease = { through: 0, left: 0, endsAt: 0, waiting: [], inFlight: false };
      this.leases.set(key, lease);
    }
    lease.waiting.push({ callback, timeWindow, max });
    if (!lease.inFlight) this.fetch(key, lease, timeWindow, max);
  }

  private fetch(key: string, lease: Lease, timeWindow: number, max: number): void {
    lease.inFlight = true;
    const sentAt = this.now();
    const want = this.leaseSize(max);
    this.request(key, timeWindow, max, want, (error, grant) => {
      lease.inFlight = false;
      const waiting = lease.waiting.splice(0);
      if (error !== null || grant === undefined) {
        this.leases.delete(key);
        const failure = error ?? new Error('rate-limit lease request returned nothing');
        for (const w of waiting) w.callback(failure);
        return;
      }
      lease.through = grant.current;
      lease.left = grant.granted;
      lease.endsAt = sentAt + grant.ttlMs;
      // Served in arrival order from the new lease; any left over start the next lease request.
      for (const w of waiting) this.admit(key, w.callback, w.timeWindow, w.max);
    });
  }

  /** Drops the state of ended windows (nothing in flight). */
  private sweep(): void {
    const now = this.now();
    for (const [key, lease] of this.leases) {
      if (!lease.inFlight && lease.endsAt <= now) this.leases.delete(key);
    }
  }
}
