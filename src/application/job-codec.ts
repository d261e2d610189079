import type { Job } from '../domain/job.js';
import { VideoSpec, type VideoSpecProps } from '../domain/video-spec.js';

type JobJson = Omit<
  Job,
  'spec' | 'runAt' | 'lease' | 'cancelRequestedAt' | 'createdAt' | 'startedAt' | 'finishedAt' | 'updatedAt'
> & {
  spec: VideoSpecProps;
  runAt: string;
  lease: { workerId: string; expiresAt: string } | null;
  cancelRequestedAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
};

/** A job as JSON text (dates as ISO 8601), for caches. */
export function encodeJob(job: Job): string {
  return JSON.stringify(job);
}

const date = (v: string | null): Date | null => (v === null ? null : new Date(v));

/**
 * Parses {@link encodeJob}'s output; the spec is validated again.
 * @returns the job, or `null` when the text is not a valid encoded job (treated as a cache miss).
 */
export function decodeJob(text: string): Job | null {
  try {
    const raw = JSON.parse(text) as JobJson;
    const spec = VideoSpec.create(raw.spec);
    if (spec.isErr() || typeof raw.id !== 'string' || typeof raw.version !== 'number') return null;
    return {
      ...raw,
      spec: spec.value,
      runAt: new Date(raw.runAt),
      lease:
        raw.lease === null
          ? null
          : { workerId: raw.lease.workerId, expiresAt: new Date(raw.lease.expiresAt) },
      cancelRequestedAt: date(raw.cancelRequestedAt),
      createdAt: new Date(raw.createdAt),
      startedAt: date(raw.startedAt),
      finishedAt: date(raw.finishedAt),
      updatedAt: new Date(raw.updatedAt),
    };
  } catch {
    return null;
  }
}
