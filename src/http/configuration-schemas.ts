import { z } from 'zod';
import { CONFIGURATION_LIMITS } from '../domain/configuration.js';
import { VideoSpecRequest } from './schemas.js';

/** Request and response shapes of `/configurations` (see schemas.ts for the conventions). */

export const ConfigurationIdParams = z.object({
  configurationId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .describe('The configuration id returned by POST /configurations.')
    .meta({ example: '01936f40-2a3b-7c4d-8e5f-60718293a4b5' }),
});

/** A partial VideoSpec: every field optional (no `configurationId`, no `priority`). */
export const SpecDefaultsSchema = VideoSpecRequest.omit({ configurationId: true, priority: true })
  .partial()
  .meta({
    id: 'SpecDefaults',
    description:
      'VideoSpec fields to preset; every field is optional and checked with the same rules as a request. A request naming the configuration overrides them field by field (`rag` and `assets` one level deep).',
  });

export const ConfigurationRequest = z
  .object({
    name: z
      .string()
      .min(1)
      .max(CONFIGURATION_LIMITS.nameMaxChars)
      .describe('Unique among your configurations (1–100 characters).'),
    description: z.string().max(CONFIGURATION_LIMITS.descriptionMaxChars).nullable().optional(),
    defaults: SpecDefaultsSchema.optional(),
  })
  .meta({
    id: 'ConfigurationRequest',
    description: 'A named preset of generation settings.',
    example: {
      name: 'Shorts, high quality',
      description: 'Vertical videos for phones',
      defaults: { quality: 'high', aspectRatio: '9:16', maxDurationSeconds: 60 },
    },
  });

export const ConfigurationResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    defaults: z.record(z.string(), z.unknown()).describe('The preset VideoSpec fields, normalised.'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    links: z.object({ self: z.string() }),
  })
  .meta({
    id: 'Configuration',
    description: 'A saved generation preset; name it in a request with `configurationId`.',
    example: {
      id: '01936f40-2a3b-7c4d-8e5f-60718293a4b5',
      name: 'Shorts, high quality',
      description: 'Vertical videos for phones',
      defaults: { quality: 'high', aspectRatio: '9:16', maxDurationSeconds: 60 },
      createdAt: '2026-11-21T10:00:00.000Z',
      updatedAt: '2026-11-21T10:00:00.000Z',
      links: { self: '/api/v1/configurations/01936f40-2a3b-7c4d-8e5f-60718293a4b5' },
    },
  });

export const ConfigurationListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Page size (1–100, default 20).'),
  cursor: z.string().max(512).optional().describe('`nextCursor` of the previous page.'),
});

export const ConfigurationListResponse = z
  .object({
    items: z.array(ConfigurationResponse),
    nextCursor: z.string().nullable().describe('Cursor of the next page; null on the last page.'),
  })
  .meta({ id: 'ConfigurationList', description: "The caller's configurations, newest first." });
