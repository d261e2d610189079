import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifySwaggerUi from '@fastify/swagger-ui';
const here = path.dirname(fileURLToPath(import.meta.url));
/** The vendored ReDoc bundle (see vendor/redoc/README.txt), from sources (`src/http`) or the build (`dist/src/http`). */
const REDOC_BUNDLE = [
    path.resolve(here, '../../vendor/redoc/redoc.standalone.js'),
    path.resolve(here, '../../../vendor/redoc/redoc.standalone.js'),
].find((file) => existsSync(file)) ?? null;
const REDOC_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Framecast API — ReDoc</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc spec-url="/openapi.json" disable-telemetry="true"></redoc>
<script src="/redoc/redoc.standalone.js"></script>
</body>
</html>`;
/** Swagger UI at `/docs`, ReDoc at `/redoc`, the spec at `/openapi.json`; all served offline. */
export async function docsRoutes(app) {
    await app.register(fastifySwaggerUi, {
        routePrefix: '/docs',
        uiConfig: { deepLinking: true, url: '/openapi.json' },
    });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    app.get('/redoc', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(REDOC_PAGE));
    app.get('/redoc/redoc.standalone.js', { schema: { hide: true } }, async (_request, reply) => {
        if (REDOC_BUNDLE === null)
            return reply.code(404).send();
        return reply
            .type('application/javascript; charset=utf-8')
            .header('cache-control', 'public, max-age=86400')
            .send(createReadStream(REDOC_BUNDLE));
    });
}
//# sourceMappingURL=docs.js.map