import { z } from 'zod';
import { principalOf } from '../auth.js';
import { ConfigurationIdParams, ConfigurationListQuery, ConfigurationListResponse, ConfigurationRequest, ConfigurationResponse, } from '../configuration-schemas.js';
import { API_PREFIX } from '../job-presenter.js';
import { sendError } from '../problem.js';
import { Problem } from '../schemas.js';
const security = [{ apiKey: [] }, { bearer: [] }];
const configurationLink = (id) => `${API_PREFIX}/configurations/${encodeURIComponent(id)}`;
/** A configuration as JSON. */
export function presentConfiguration(c) {
    return {
        id: c.id,
        name: c.name,
        description: c.description,
        defaults: JSON.parse(JSON.stringify(c.defaults)),
        createdAt: c.createdAt.toISOString(),
        updatedAt: c.updatedAt.toISOString(),
        links: { self: configurationLink(c.id) },
    };
}
/** `/configurations`: saved generation presets (CRUD). */
export async function configurationRoutes(app, deps) {
    const r = app.withTypeProvider();
    r.post('/configurations', {
        schema: {
            operationId: 'createConfiguration',
            tags: ['configurations'],
            summary: 'Save a generation preset',
            description: 'Stores named VideoSpec defaults. A request that names it with `configurationId` gets them under its own fields (request > configuration > your preferences > built-in defaults). 409 when you already have a configuration with that name.',
            security,
            body: ConfigurationRequest,
            response: { 201: ConfigurationResponse, 401: Problem, 409: Problem, 422: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        const result = await deps.createConfiguration.execute({
            principal: principalOf(request),
            configuration: request.body,
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return reply
            .code(201)
            .header('location', configurationLink(result.value.id))
            .send(presentConfiguration(result.value));
    });
    r.get('/configurations', {
        schema: {
            operationId: 'listConfigurations',
            tags: ['configurations'],
            summary: "List the caller's presets",
            description: 'Newest first, `limit` per page; follow `nextCursor` for the next page.',
            security,
            querystring: ConfigurationListQuery,
            response: { 200: ConfigurationListResponse, 401: Problem, 422: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        const { limit, cursor } = request.query;
        const result = await deps.listConfigurations.execute({
            principal: principalOf(request),
            limit,
            ...(cursor !== undefined ? { cursor } : {}),
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return { items: result.value.items.map(presentConfiguration), nextCursor: result.value.nextCursor };
    });
    r.get('/configurations/:configurationId', {
        schema: {
            operationId: 'getConfiguration',
            tags: ['configurations'],
            summary: 'A preset',
            description: 'One of your configurations; another user’s answers 404.',
            security,
            params: ConfigurationIdParams,
            response: { 200: ConfigurationResponse, 401: Problem, 404: Problem, 422: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        const result = await deps.getConfiguration.execute({
            principal: principalOf(request),
            configurationId: request.params.configurationId,
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return presentConfiguration(result.value);
    });
    r.put('/configurations/:configurationId', {
        schema: {
            operationId: 'replaceConfiguration',
            tags: ['configurations'],
            summary: 'Replace a preset',
            description: 'Replaces name, description and defaults (fields left out are cleared). Jobs already created keep their merged spec.',
            security,
            params: ConfigurationIdParams,
            body: ConfigurationRequest,
            response: {
                200: ConfigurationResponse,
                401: Problem,
                404: Problem,
                409: Problem,
                422: Problem,
                503: Problem,
            },
        },
    }, async (request, reply) => {
        const result = await deps.replaceConfiguration.execute({
            principal: principalOf(request),
            configurationId: request.params.configurationId,
            configuration: request.body,
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return presentConfiguration(result.value);
    });
    r.delete('/configurations/:configurationId', {
        schema: {
            operationId: 'deleteConfiguration',
            tags: ['configurations'],
            summary: 'Delete a preset',
            description: 'Later requests naming it answer 422 `unknown configuration`; existing jobs are unaffected.',
            security,
            params: ConfigurationIdParams,
            response: {
                204: z.null().meta({ description: 'Deleted.' }),
                401: Problem,
                404: Problem,
                422: Problem,
                503: Problem,
            },
        },
    }, async (request, reply) => {
        const result = await deps.deleteConfiguration.execute({
            principal: principalOf(request),
            configurationId: request.params.configurationId,
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return reply.code(204).send(null);
    });
}
//# sourceMappingURL=configurations.js.map