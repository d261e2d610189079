import type { Migration } from 'kysely';
import * as initial from './2026-11-21T0000-initial.js';

/**
 * Every migration by name, in the order they run (Kysely's `Migrator` sorts names, which are
 * timestamps). Listed by hand so the provider needs no file-system globbing and works the same
 * from `tsx` and from the compiled `dist/`. Add each new migration file here.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-21T0000-initial': initial,
};
