import type { ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { UserRepository } from '../ports/user-repository.js';
import { jobStatistics, type JobStatistics } from './job-statistics.js';

export interface CurrentUser {
  readonly id: string;
  readonly email: string | null;
  /** The caller's effective role. */
  readonly role: 'user' | 'admin';
  readonly scopes: readonly string[];
  readonly authenticatedVia: Principal['via'];
  /** When the user was first seen; `null` when the user has no stored record. */
  readonly createdAt: Date | null;
  readonly statistics: JobStatistics;
}

/** The caller's profile with statistics of their jobs (`GET /users/me`). */
export class GetCurrentUser {
  constructor(
    private readonly deps: {
      readonly users: UserRepository;
      readonly jobs: JobRepository;
      readonly clock: Clock;
    },
  ) {}

  execute(input: { principal: Principal }): ResultAsync<CurrentUser, DatabaseUnavailable> {
    const { principal } = input;
    return this.deps.users.findById(principal.userId).andThen((user) =>
      jobStatistics(this.deps, principal.userId).map((statistics) => ({
        id: principal.userId,
        email: user?.email ?? null,
        role: principal.role,
        scopes: principal.scopes,
        authenticatedVia: principal.via,
        createdAt: user?.createdAt ?? null,
        statistics,
      })),
    );
  }
}
