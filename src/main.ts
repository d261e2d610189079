import { redactConfig } from './config/config.js';
import { createContainer } from './container/composition-root.js';
import { T } from './container/tokens.js';
import { buildApp } from './http/app.js';
import { exitOnFatal, exitOnSignals, loadConfigOrExit, startFailure } from './process-entry.js';

/**
 * The Framecast server: API and (unless `WORKER_CONCURRENCY=0`) the in-process worker.
 * SIGTERM/SIGINT: stop accepting requests, let running jobs finish for `SHUTDOWN_GRACE_SECONDS`,
 * release the rest to the queue, stop the container, exit 0. A second signal exits at once.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();

  const container = createContainer(config);
  const logger = await container.resolve(T.logger);
  let ready = false;
  let shuttingDown = false;
  try {
    await container.start();
  } catch (error) {
    logger.error(startFailure(error), 'start-up failed');
    await container.stop().catch(() => undefined);
    process.exit(1);
  }
  logger.info({ config: redactConfig(config) }, 'configuration');
  // Begin the health checks the first readiness probe runs, while the app is built: the renderer's
  // (two process spawns, and the FFmpeg adapter's load where no worker runs) is reused from here.
  void container.health();

  const bootstrap = await (
    await container.resolve(T.ensureBootstrapApiKey)
  ).execute({
    configuredKey: config.auth.apiKey,
    generateIfNone: config.env === 'development',
  });
  if (bootstrap.isErr()) {
    logger.error({ err: bootstrap.error.message }, 'could not prepare the API key');
    await container.stop().catch(() => undefined);
    process.exit(1);
  }

  const app = await buildApp(container, { isReady: () => ready && !shuttingDown });
  await app.listen({ host: config.http.host, port: config.http.port });
  ready = true;
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
  const shownHost = config.http.host === '0.0.0.0' ? 'localhost' : config.http.host;
  const base = `http://${shownHost}:${port}`;
  const keyLine =
    bootstrap.value.outcome === 'generated'
      ? `  API key:   ${bootstrap.value.key ?? ''}\n             (generated now and shown only once — keep it; set FRAMECAST_API_KEY to choose your own)\n`
      : bootstrap.value.outcome === 'configured'
        ? '  API key:   the value of FRAMECAST_API_KEY\n'
        : '  API key:   use a key created earlier (or set FRAMECAST_API_KEY)\n';
  process.stdout.write(
    `\nFramecast is listening on ${base}\n` +
      keyLine +
      `  Docs:      ${base}/docs  (ReDoc: ${base}/redoc, spec: ${base}/openapi.json)\n` +
      `  Data:      ${config.dataDir}\n` +
      `  Worker:    ${config.worker.concurrency === 0 ? 'off (WORKER_CONCURRENCY=0)' : `${config.worker.concurrency} slot(s)`}\n\n`,
  );

  exitOnSignals({
    logger,
    graceSeconds: config.worker.shutdownGraceMs / 1000,
    onSignal: () => {
      shuttingDown = true;
    },
    stop: () => app.close(),
  });
}

main().catch(exitOnFatal);
