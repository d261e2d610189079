/** How far back the outbox query looks for finished jobs: 7 days, in ms. */
export const WEBHOOK_OUTBOX_LOOKBACK_MS = 7 * 24 * 3_600_000;
//# sourceMappingURL=webhook-delivery-repository.js.map