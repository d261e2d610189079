import type { ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import type { ConfigurationPage, ConfigurationRepository } from '../ports/configuration-repository.js';
import type { DatabaseUnavailable, InvalidCursor } from '../ports/errors.js';

/** The caller's configurations, newest first, one page at a time (GET /configurations). */
export class ListConfigurations {
  constructor(private readonly deps: { readonly configurations: ConfigurationRepository }) {}

  /** @returns a page (`limit` clamped to 1–100), or `InvalidCursor` for a cursor this list did not make. */
  execute(input: {
    principal: Principal;
    limit: number;
    cursor?: string;
  }): ResultAsync<ConfigurationPage, InvalidCursor | DatabaseUnavailable> {
    return this.deps.configurations.list({
      ownerId: input.principal.userId,
      limit: input.limit,
      ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
    });
  }
}
