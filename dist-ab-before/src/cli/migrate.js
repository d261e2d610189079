import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/config.js';
import { createContainer, DatabaseToken } from '../container/composition-root.js';
/**
 * `npm run migrate`: opens the configured database and applies pending migrations
 * (the database factory migrates on open). Exit 0 on success, 1 on failure, 2 on bad configuration.
 */
async function run() {
    if (existsSync('.env'))
        process.loadEnvFile('.env');
    let config;
    try {
        config = loadConfig(process.env);
    }
    catch (error) {
        if (error instanceof ConfigError) {
            process.stderr.write(`${error.message}\n`);
            process.exit(2);
        }
        throw error;
    }
    const container = createContainer(config);
    try {
        const handle = await container.resolve(DatabaseToken);
        process.stdout.write(`database (${handle.kind}) is at the latest migration\n`);
    }
    finally {
        await container.stop();
    }
}
run().catch((error) => {
    process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
//# sourceMappingURL=migrate.js.map