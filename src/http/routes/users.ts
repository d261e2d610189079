import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { GetCurrentUser } from '../../application/get-current-user.js';
import type { GetPreferences } from '../../application/get-preferences.js';
import type { UpdatePreferences } from '../../application/update-preferences.js';
import { principalOf } from '../auth.js';
import { CurrentUserResponse, Preferences } from '../job-management-schemas.js';
import { sendError } from '../problem.js';
import { Problem } from '../schemas.js';

export interface UserRouteDeps {
  readonly getCurrentUser: GetCurrentUser;
  readonly getPreferences: GetPreferences;
  readonly updatePreferences: UpdatePreferences;
}

const security = [{ apiKey: [] }, { bearer: [] }];

/** `/users/me...`: the caller's profile, statistics and preferences. */
export async function userRoutes(app: FastifyInstance, deps: UserRouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/users/me',
    {
      schema: {
        operationId: 'getCurrentUser',
        tags: ['users'],
        summary: 'The caller’s profile and job statistics',
        description:
          'Id, email, effective role and scopes, how the caller authenticated, and statistics of their jobs: counts by status, ' +
          'completed in the last 24 hours, mean and 95th-percentile processing seconds, stored bytes.',
        security,
        response: { 200: CurrentUserResponse, 401: Problem, 503: Problem },
      },
    },
    async (request, reply) => {
      const result = await deps.getCurrentUser.execute({ principal: principalOf(request) });
      if (result.isErr()) return sendError(reply, result.error);
      const u = result.value;
      return { ...u, scopes: [...u.scopes], createdAt: u.createdAt?.toISOString() ?? null };
    },
  );

  r.get(
    '/users/me/preferences',
    {
      schema: {
        operationId: 'getPreferences',
        tags: ['users'],
        summary: 'The caller’s preferences',
        description: 'Saved defaults for new jobs and free-form front-end settings. Unset fields are absent.',
        security,
        response: { 200: Preferences, 401: Problem, 503: Problem },
      },
    },
    async (request, reply) => {
      const result = await deps.getPreferences.execute({ principal: principalOf(request) });
      if (result.isErr()) return sendError(reply, result.error);
      return result.value;
    },
  );

  r.put(
    '/users/me/preferences',
    {
      schema: {
        operationId: 'replacePreferences',
        tags: ['users'],
        summary: 'Replace the caller’s preferences',
        description:
          'Replaces the whole preferences object (fields left out are unset). Each default follows the rule of the ' +
          'VideoSpec field it fills; `extra` is any JSON object up to 4 KB. Invalid fields answer 422 listing each path.',
        security,
        body: Preferences,
        response: { 200: Preferences, 401: Problem, 422: Problem, 503: Problem },
      },
    },
    async (request, reply) => {
      const result = await deps.updatePreferences.execute({
        principal: principalOf(request),
        preferences: request.body,
      });
      if (result.isErr()) return sendError(reply, result.error);
      return result.value;
    },
  );
}
