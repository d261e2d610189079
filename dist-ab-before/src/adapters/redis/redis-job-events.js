import { z } from 'zod';
import { JOB_STATUSES, STAGES } from '../../domain/job.js';
import { InProcessJobEvents } from '../memory/in-process-job-events.js';
import { errorSummary, OutageLog } from './outage-log.js';
/** The wire format: a `JobUpdate` as JSON, checked field by field on receipt. */
const jobUpdateSchema = z.object({
    jobId: z.string().min(1),
    ownerId: z.string().min(1),
    status: z.enum(JOB_STATUSES),
    progress: z.object({ stage: z.enum(STAGES), percent: z.number().min(0).max(100) }),
    attempts: z.number().int().min(0),
    error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).nullable(),
    at: z.iso.datetime({ offset: true }),
    message: z.string().optional(),
});
/**
 * `JobEvents` fanned out across API instances through Redis pub/sub (DESIGN §5, WS /ws/jobs).
 *
 * Wire: every update is one PUBLISH of its JSON on a single channel (`channel`), the job id inside
 * the payload. One channel rather than one per job because a per-job SUBSCRIBE is a round trip on
 * every watcher's connect, fails while Redis is down (node-redis keeps a listener only after the
 * server confirmed it), and leaves orphaned subscriptions to reconcile after an outage. With one
 * channel the subscriber connection subscribes once and node-redis re-subscribes by itself after a
 * reconnect; each instance routes messages to its local listeners by job id (an in-process
 * registry). The cost: every instance decodes every update, which is fine at job-progress rates
 * (a few per second per running job).
 *
 * - Subscribing uses a dedicated connection (`connection.duplicate(...)`): a connection in
 *   subscriber mode cannot run other commands. `start()` connects it and subscribes (bounded by
 *   `subscribeTimeoutMs`; when Redis is down it returns anyway and subscribes when Redis is back).
 * - Order: updates of one job published through one instance are delivered in publish order (one
 *   connection pipelines them; Redis and the subscriber keep that order). Updates of the same job
 *   from two instances have no order between them.
 * - `subscribe()` only registers a local listener (no Redis round trip), so it works during an
 *   outage; delivery resumes once Redis is back.
 * - `publish()` never rejects: while Redis is down it fails within the connection's command
 *   timeout (at once when disconnected) and the update is lost; outages are logged once.
 * - Received messages that are not valid JSON or not a valid `JobUpdate` are dropped and logged
 *   (`warn`, with the first 200 characters). A throwing listener is logged and skipped.
 */
export class RedisJobEvents {
    connection;
    subscriber;
    local;
    logger;
    publishOutage;
    subscribeTimeoutMs;
    /** The channel all updates go through. */
    channel;
    subscribed = false;
    subscribing = null;
    closed = false;
    onMessage = (message) => this.receive(message);
    constructor(options) {
        this.connection = options.connection;
        this.channel = options.channel ?? 'framecast:job-updates';
        this.subscribeTimeoutMs = options.subscribeTimeoutMs ?? 2_000;
        this.logger = options.logger.child({ component: 'redis-job-events', channel: this.channel });
        this.local = new InProcessJobEvents({ logger: this.logger });
        this.publishOutage = new OutageLog(this.logger, 'redis publish');
        this.subscriber = this.connection.duplicate(`${this.connection.name}-job-events-subscriber`);
        // After an outage node-redis re-subscribes on its own; this covers a first SUBSCRIBE that never succeeded.
        this.subscriber.client.on('ready', () => void this.ensureSubscribed());
    }
    /**
     * Connects the subscriber connection and subscribes to the channel. Resolves within about
     * `connectTimeoutMs + subscribeTimeoutMs` and never rejects: when Redis is down the instance
     * runs degraded (no cross-instance delivery) and subscribes by itself once Redis answers.
     */
    async start() {
        try {
            await this.subscriber.connect();
        }
        catch (error) {
            this.logger.warn({ err: errorSummary(error) }, 'job events subscriber not connected; live updates resume when redis is back');
            return;
        }
        await this.ensureSubscribed();
    }
    /** Whether the channel subscription is active (live updates from other instances arrive). */
    isSubscribed() {
        return this.subscribed && this.subscriber.isReady();
    }
    /** Publishes `update` to every instance's subscribers of `update.jobId`. Never rejects. */
    async publish(update) {
        let payload;
        try {
            payload = JSON.stringify(update);
        }
        catch (error) {
            this.logger.error({ err: errorSummary(error), jobId: update.jobId }, 'job update is not serialisable');
            return;
        }
        try {
            await this.connection.command((client) => client.publish(this.channel, payload));
            this.publishOutage.success();
        }
        catch (error) {
            this.publishOutage.failure(error, { jobId: update.jobId });
        }
    }
    /**
     * Calls `listener` for every later update of `jobId` received from Redis (from any instance,
     * this one included). Local only: resolves at once, also while Redis is down.
     * @returns an idempotent unsubscribe function.
     */
    subscribe(jobId, listener) {
        return this.local.subscribe(jobId, listener);
    }
    /** How many local listeners `jobId` has (tests, metrics). */
    subscriberCount(jobId) {
        return this.local.subscriberCount(jobId);
    }
    /** Closes the subscriber connection (not the shared one). Idempotent; never rejects. */
    async close() {
        this.closed = true;
        await this.subscriber.close();
    }
    ensureSubscribed() {
        if (this.closed || this.subscribed || !this.subscriber.isReady())
            return Promise.resolve();
        if (this.subscribing !== null)
            return this.subscribing;
        // node-redis puts no timeout on SUBSCRIBE: bound the wait, but let a late confirmation count.
        const attempt = this.subscriber.client.subscribe(this.channel, this.onMessage).then(() => {
            this.subscribed = true;
            this.logger.debug({}, 'subscribed to job updates');
        }, (error) => {
            this.logger.warn({ err: errorSummary(error) }, 'subscribe to job updates failed; retrying on reconnect');
        });
        let timer;
        const late = new Promise((resolve) => {
            timer = setTimeout(() => {
                this.logger.warn({ timeoutMs: this.subscribeTimeoutMs }, 'subscribe to job updates is late');
                resolve();
            }, this.subscribeTimeoutMs);
        });
        const settled = attempt.finally(() => {
            clearTimeout(timer);
            this.subscribing = null;
        });
        this.subscribing = Promise.race([settled, late]);
        return this.subscribing;
    }
    receive(message) {
        const update = parseUpdate(message);
        if (update === null) {
            this.logger.warn({ sample: message.slice(0, 200), length: message.length }, 'dropped a malformed job update');
            return;
        }
        void this.local.publish(update);
    }
}
/** A received message as a `JobUpdate`, or `null` when it is not valid JSON or not a valid update. */
function parseUpdate(message) {
    let json;
    try {
        json = JSON.parse(message);
    }
    catch {
        return null;
    }
    const parsed = jobUpdateSchema.safeParse(json);
    if (!parsed.success)
        return null;
    const u = parsed.data;
    return {
        jobId: u.jobId,
        ownerId: u.ownerId,
        status: u.status,
        progress: { stage: u.progress.stage, percent: u.progress.percent },
        attempts: u.attempts,
        error: u.error === null
            ? null
            : { code: u.error.code, message: u.error.message, retryable: u.error.retryable },
        at: u.at,
        ...(u.message === undefined ? {} : { message: u.message }),
    };
}
//# sourceMappingURL=redis-job-events.js.map