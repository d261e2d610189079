import type { AdminCancelJob } from '../application/admin-cancel-job.js';
import type { DeleteUserData } from '../application/delete-user-data.js';
import type { ListFailedJobs } from '../application/list-failed-jobs.js';
import type { PurgeExpiredData } from '../application/purge-expired-data.js';
import type { RetentionLoop } from '../worker/retention-loop.js';
import type { CancelJob } from '../application/cancel-job.js';
import type { DeleteJob } from '../application/delete-job.js';
import type { GetCurrentUser } from '../application/get-current-user.js';
import type { GetDashboardStats } from '../application/get-dashboard-stats.js';
import type { GetJobLogs } from '../application/get-job-logs.js';
import type { GetPreferences } from '../application/get-preferences.js';
import type { ListAllJobs } from '../application/list-all-jobs.js';
import type { ListJobs } from '../application/list-jobs.js';
import type { ListRecentJobs } from '../application/list-recent-jobs.js';
import type { RetryJob } from '../application/retry-job.js';
import type { UpdatePreferences } from '../application/update-preferences.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { AuthenticateApiKey } from '../application/authenticate-api-key.js';
import type { AuthenticateSession } from '../application/authenticate-session.js';
import type { EnsureBootstrapApiKey } from '../application/ensure-bootstrap-api-key.js';
import type { GetJobMetadata } from '../application/get-job-metadata.js';
import type { GetJobStatus } from '../application/get-job-status.js';
import type { JobActivity } from '../application/job-activity.js';
import type { OpenJobAsset } from '../application/open-job-asset.js';
import type { ProcessNextJob } from '../application/process-next-job.js';
import type { RecoverExpiredLeases } from '../application/recover-expired-leases.js';
import type { SubmitVideoJob } from '../application/submit-video-job.js';
import type { WatchJob } from '../application/watch-job.js';
import type { Config } from '../config/config.js';
import type { ApiKeyRepository } from '../ports/api-key-repository.js';
import type { Cache } from '../ports/cache.js';
import type { IdentityVerifier } from '../ports/identity-verifier.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { JobEventRepository } from '../ports/job-event-repository.js';
import type { JobEvents } from '../ports/job-events.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { Logger } from '../ports/logger.js';
import type { ObjectStorage } from '../ports/object-storage.js';
import type { UserRepository } from '../ports/user-repository.js';
import type { VideoRenderer } from '../ports/video-renderer.js';
import type { WorkSignal } from '../ports/work-signal.js';
import type { Worker } from '../worker/worker.js';
import type { CreateConfiguration } from '../application/create-configuration.js';
import type { DeleteConfiguration } from '../application/delete-configuration.js';
import type { DeleteUpload } from '../application/delete-upload.js';
import type { DownloadUpload } from '../application/download-upload.js';
import type { GetConfiguration } from '../application/get-configuration.js';
import type { GetUpload } from '../application/get-upload.js';
import type { ListConfigurations } from '../application/list-configurations.js';
import type { ListUploads } from '../application/list-uploads.js';
import type { PrepareVideoSpec } from '../application/prepare-video-spec.js';
import type { ReplaceConfiguration } from '../application/replace-configuration.js';
import type { UploadContent } from '../application/upload-content.js';
import type { ConfigurationRepository } from '../ports/configuration-repository.js';
import type { MediaTypeDetector } from '../ports/media-type-detector.js';
import type { PassageRetriever } from '../ports/passage-retriever.js';
import type { UploadRepository } from '../ports/upload-repository.js';
import type { DispatchWebhooks } from '../application/dispatch-webhooks.js';
import type { WebhookDeliveryRepository } from '../ports/webhook-delivery-repository.js';
import type { WebhookSender } from '../ports/webhook-sender.js';
import type { WebhookDispatchLoop } from '../worker/webhook-dispatch-loop.js';
import type { GetQueueStatus } from '../application/get-queue-status.js';
import type { GetSystemMetrics } from '../application/get-system-metrics.js';
import type { LogContext } from '../ports/log-context.js';
import type { Metrics } from '../ports/metrics.js';
import type { MetricsExposition } from '../ports/metrics-exposition.js';
import type { RuntimeStats } from '../ports/runtime-stats.js';
import type { CancelBatch } from '../application/cancel-batch.js';
import type { GetBatch } from '../application/get-batch.js';
import type { IdempotentExecution } from '../application/idempotent-execution.js';
import type { SubmitBatch } from '../application/submit-batch.js';
import type { BatchRepository } from '../ports/batch-repository.js';
import type { IdempotencyStore } from '../ports/idempotency-store.js';
import { token } from './token.js';

/** Typed tokens of every registration; the composition root binds them, tests override them. */
export const T = {
  config: token<Config>('Config'),
  logger: token<Logger>('Logger'),
  clock: token<Clock>('Clock'),
  ids: token<IdGenerator>('IdGenerator'),
  jobs: token<JobRepository>('JobRepository'),
  jobEventLog: token<JobEventRepository>('JobEventRepository'),
  jobEvents: token<JobEvents>('JobEvents'),
  apiKeys: token<ApiKeyRepository>('ApiKeyRepository'),
  users: token<UserRepository>('UserRepository'),
  storage: token<ObjectStorage>('ObjectStorage'),
  renderer: token<VideoRenderer>('VideoRenderer'),
  workSignal: token<WorkSignal>('WorkSignal'),
  activity: token<JobActivity>('JobActivity'),
  submitVideoJob: token<SubmitVideoJob>('SubmitVideoJob'),
  getJobStatus: token<GetJobStatus>('GetJobStatus'),
  getJobMetadata: token<GetJobMetadata>('GetJobMetadata'),
  openJobAsset: token<OpenJobAsset>('OpenJobAsset'),
  watchJob: token<WatchJob>('WatchJob'),
  processNextJob: token<ProcessNextJob>('ProcessNextJob'),
  recoverExpiredLeases: token<RecoverExpiredLeases>('RecoverExpiredLeases'),
  authenticateApiKey: token<AuthenticateApiKey>('AuthenticateApiKey'),
  /** `null` when no identity provider (Clerk) is configured. */
  identityVerifier: token<IdentityVerifier | null>('IdentityVerifier'),
  authenticateSession: token<AuthenticateSession | null>('AuthenticateSession'),
  cache: token<Cache>('Cache'),
  /** Options for @fastify/rate-limit's `store` (Redis) or `null` for its in-process store. */
  rateLimitStore: token<unknown>('RateLimitStore'),
  ensureBootstrapApiKey: token<EnsureBootstrapApiKey>('EnsureBootstrapApiKey'),
  worker: token<Worker>('Worker'),
  /** Retention (scheduled purge in the worker process), the dead-letter view and user data deletion. */
  purgeExpiredData: token<PurgeExpiredData>('PurgeExpiredData'),
  retentionLoop: token<RetentionLoop>('RetentionLoop'),
  listFailedJobs: token<ListFailedJobs>('ListFailedJobs'),
  deleteUserData: token<DeleteUserData>('DeleteUserData'),
  diskSpace: token<DiskSpace>('DiskSpace'),
  /** Batches (DESIGN §5 /videos/batch) and idempotency keys (`Idempotency-Key`). */
  batches: token<BatchRepository>('BatchRepository'),
  idempotencyStore: token<IdempotencyStore>('IdempotencyStore'),
  idempotentExecution: token<IdempotentExecution>('IdempotentExecution'),
  submitBatch: token<SubmitBatch>('SubmitBatch'),
  getBatch: token<GetBatch>('GetBatch'),
  cancelBatch: token<CancelBatch>('CancelBatch'),
  /** Webhooks (DESIGN §5 `callbackUrl`): the outbox, the signed sender, the use case and its loop. */
  webhookDeliveries: token<WebhookDeliveryRepository>('WebhookDeliveryRepository'),
  webhookSender: token<WebhookSender>('WebhookSender'),
  dispatchWebhooks: token<DispatchWebhooks>('DispatchWebhooks'),
  webhookDispatchLoop: token<WebhookDispatchLoop>('WebhookDispatchLoop'),
  /** Operations (DESIGN §5 /system/metrics, /system/queue-status, /metrics). */
  metrics: token<Metrics>('Metrics'),
  metricsExposition: token<MetricsExposition>('MetricsExposition'),
  runtimeStats: token<RuntimeStats>('RuntimeStats'),
  logContext: token<LogContext>('LogContext'),
  getSystemMetrics: token<GetSystemMetrics>('GetSystemMetrics'),
  getQueueStatus: token<GetQueueStatus>('GetQueueStatus'),
  /** Append-only log of security-relevant actions (job deletions, admin actions, API-key creation). */
  auditLog: token<AuditLog>('AuditLog'),
  listJobs: token<ListJobs>('ListJobs'),
  cancelJob: token<CancelJob>('CancelJob'),
  retryJob: token<RetryJob>('RetryJob'),
  deleteJob: token<DeleteJob>('DeleteJob'),
  getJobLogs: token<GetJobLogs>('GetJobLogs'),
  getCurrentUser: token<GetCurrentUser>('GetCurrentUser'),
  getPreferences: token<GetPreferences>('GetPreferences'),
  updatePreferences: token<UpdatePreferences>('UpdatePreferences'),
  getDashboardStats: token<GetDashboardStats>('GetDashboardStats'),
  listRecentJobs: token<ListRecentJobs>('ListRecentJobs'),
  listAllJobs: token<ListAllJobs>('ListAllJobs'),
  adminCancelJob: token<AdminCancelJob>('AdminCancelJob'),
  /** Uploads, saved configurations and RAG (DESIGN §5 /uploads, /configurations; VideoSpec useRag). */
  uploads: token<UploadRepository>('UploadRepository'),
  configurations: token<ConfigurationRepository>('ConfigurationRepository'),
  mediaTypeDetector: token<MediaTypeDetector>('MediaTypeDetector'),
  passageRetriever: token<PassageRetriever>('PassageRetriever'),
  prepareVideoSpec: token<PrepareVideoSpec>('PrepareVideoSpec'),
  uploadContent: token<UploadContent>('UploadContent'),
  listUploads: token<ListUploads>('ListUploads'),
  getUpload: token<GetUpload>('GetUpload'),
  downloadUpload: token<DownloadUpload>('DownloadUpload'),
  deleteUpload: token<DeleteUpload>('DeleteUpload'),
  createConfiguration: token<CreateConfiguration>('CreateConfiguration'),
  listConfigurations: token<ListConfigurations>('ListConfigurations'),
  getConfiguration: token<GetConfiguration>('GetConfiguration'),
  replaceConfiguration: token<ReplaceConfiguration>('ReplaceConfiguration'),
  deleteConfiguration: token<DeleteConfiguration>('DeleteConfiguration'),
} as const;

/** Free space of the data directory's filesystem. */
export interface DiskSpace {
  /** Bytes free and total. */
  check(): Promise<{ freeBytes: number; totalBytes: number }>;
}
