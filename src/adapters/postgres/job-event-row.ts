import type { Insertable } from 'kysely';
import type { JobEvent } from '../../domain/job-event.js';
import type { JobEventsTable } from './database.js';

/** JobEvent -> `job_events` column values, field by field (`data` as JSON text for jsonb). */
export function eventToColumns(event: JobEvent): Insertable<JobEventsTable> {
  return {
    id: event.id,
    job_id: event.jobId,
    at: event.at,
    level: event.level,
    stage: event.stage,
    message: event.message,
    data: JSON.stringify(event.data),
  };
}
