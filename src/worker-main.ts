import { createContainer } from './container/composition-root.js';
import { T } from './container/tokens.js';
import { buildWorkerMetricsApp } from './http/worker-metrics-app.js';
import { exitOnFatal, exitOnSignals, loadConfigOrExit, startFailure } from './process-entry.js';

/**
 * `npm run worker`: a worker process without the HTTP API, for scaling rendering out
 * (any number of them share one PostgreSQL). `WORKER_CONCURRENCY` (default 1, at least 1 here)
 * sets the jobs it renders at once; `WORKER_METRICS_PORT` serves its Prometheus metrics
 * (`/metrics`, `/health/live`). SIGTERM/SIGINT drain it like the server; a second signal exits at once.
 */
async function main(): Promise<void> {
  let config = loadConfigOrExit();
  if (config.worker.concurrency === 0) config = { ...config, worker: { ...config.worker, concurrency: 1 } };
  if (config.database.kind === 'pglite') {
    process.stderr.write(
      'A separate worker needs DATABASE_URL (PostgreSQL): the embedded database belongs to one process. ' +
        'With the embedded database, `npm start` runs the worker inside the server.\n',
    );
    process.exit(2);
  }
  const container = createContainer(config);
  const logger = await container.resolve(T.logger);
  let stopMetrics = async (): Promise<void> => {};
  try {
    const worker = await container.resolve(T.worker);
    await container.start();
    process.stdout.write(`Framecast worker ${worker.id} running with ${config.worker.concurrency} slot(s)\n`);
    if (config.worker.metricsPort !== undefined) {
      const metrics = await buildWorkerMetricsApp(container);
      const address = await metrics.listen({ host: config.http.host, port: config.worker.metricsPort });
      process.stdout.write(`  metrics:   ${address}/metrics\n`);
      stopMetrics = () => metrics.close();
    }
  } catch (error) {
    logger.error(startFailure(error), 'worker start-up failed');
    await container.stop().catch(() => undefined);
    process.exit(1);
  }
  exitOnSignals({
    logger,
    graceSeconds: config.worker.shutdownGraceMs / 1000,
    stop: async () => {
      await stopMetrics().catch(() => undefined);
      await container.stop();
    },
  });
}

main().catch(exitOnFatal);
