import { createContainer, DatabaseToken } from '../container/composition-root.js';
import { loadConfigOrExit } from '../process-entry.js';

/**
 * `npm run migrate`: opens the configured database and applies pending migrations
 * (the database factory migrates on open). Exit 0 on success, 1 on failure, 2 on bad configuration.
 */
async function run(): Promise<void> {
  const config = loadConfigOrExit();
  const container = createContainer(config);
  try {
    const handle = await container.resolve(DatabaseToken);
    process.stdout.write(`database (${handle.kind}) is at the latest migration\n`);
  } finally {
    await container.stop();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
