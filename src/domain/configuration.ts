import { err, ok, type Result } from 'neverthrow';
import type { FieldIssue } from './errors.js';
import { PREFERENCE_SPEC_FIELDS } from './user-preferences.js';
import {
  VideoSpec,
  type RagOptions,
  type SpecAssets,
  type VideoSpecInput,
  type VideoSpecProps,
} from './video-spec.js';

/** VideoSpec fields a configuration (or a user preference) may preset. */
export const DEFAULTABLE_FIELDS = [
  'topic',
  'context',
  'quality',
  'aspectRatio',
  'narration',
  'voice',
  'language',
  'maxDurationSeconds',
  'useRag',
  'rag',
  'assets',
  'callbackUrl',
] as const;
export type DefaultableField = (typeof DEFAULTABLE_FIELDS)[number];

/**
 * A partial VideoSpec: every field optional, each valid by the VideoSpec rules (normalised as
 * `VideoSpec.create` normalises it). `rag` keeps only the sub-fields that were given.
 */
export type SpecDefaults = Readonly<
  Partial<Omit<Pick<VideoSpecProps, DefaultableField>, 'rag' | 'assets'>> & {
    rag?: Readonly<Partial<RagOptions>>;
    assets?: SpecAssets;
  }
>;

/** A named, saved set of spec defaults of one user (DESIGN §3), merged under a request that names it. */
export interface Configuration {
  readonly id: string;
  readonly ownerId: string;
  /** 1–100 characters, unique per owner. */
  readonly name: string;
  readonly description: string | null;
  readonly defaults: SpecDefaults;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A configuration's fields broke one or more rules (paths like `name`, `defaults.quality`). */
export interface InvalidConfiguration {
  readonly type: 'InvalidConfiguration';
  readonly issues: readonly FieldIssue[];
}

export const CONFIGURATION_LIMITS = { nameMaxChars: 100, descriptionMaxChars: 1000 } as const;

/** The validated, user-editable fields of a configuration. */
export interface ConfigurationFields {
  readonly name: string;
  readonly description: string | null;
  readonly defaults: SpecDefaults;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stands in for a missing topic so that the other fields can be checked by `VideoSpec.create`. */
const PLACEHOLDER_TOPIC = 'placeholder';

const given = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * Checks a partial VideoSpec with the VideoSpec rules and returns the given fields, normalised.
 * @param pathPrefix prepended to issue paths (`defaults.`).
 */
export function validateSpecDefaults(
  input: unknown,
  pathPrefix = '',
): Result<SpecDefaults, readonly FieldIssue[]> {
  if (!isRecord(input))
    return err([{ path: pathPrefix.replace(/\.$/, '') || '(root)', message: 'must be an object' }]);
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(input)) {
    if (key === 'configurationId')
      issues.push({
        path: `${pathPrefix}${key}`,
        message: 'a configuration cannot name another configuration',
      });
    else if (!(DEFAULTABLE_FIELDS as readonly string[]).includes(key))
      issues.push({ path: `${pathPrefix}${key}`, message: 'is not a VideoSpec field' });
  }
  const spec = VideoSpec.create({ ...(input as VideoSpecInput), topic: input['topic'] ?? PLACEHOLDER_TOPIC });
  if (spec.isErr()) issues.push(...spec.error.issues.map((i) => ({ ...i, path: `${pathPrefix}${i.path}` })));
  if (issues.length > 0 || spec.isErr()) return err(issues);
  const v = spec.value;
  const out: Record<string, unknown> = {};
  for (const field of DEFAULTABLE_FIELDS) {
    if (!given(input[field])) continue;
    if (field === 'rag') {
      const raw = input['rag'] as Record<string, unknown>;
      out['rag'] = {
        ...(given(raw['sourceUploadIds']) ? { sourceUploadIds: [...(v.rag?.sourceUploadIds ?? [])] } : {}),
        ...(given(raw['topK']) ? { topK: v.rag?.topK } : {}),
      };
    } else if (field === 'assets') {
      if (v.assets !== undefined) out['assets'] = { ...v.assets };
    } else {
      out[field] = v[field];
    }
  }
  return ok(out as SpecDefaults);
}

/**
 * Validates the user-editable fields of a configuration: `name` (trimmed, 1–100 characters),
 * `description` (optional, at most 1000 characters), `defaults` (a partial VideoSpec, see
 * {@link validateSpecDefaults}).
 * @returns the normalised fields, or `InvalidConfiguration` listing every problem.
 */
export function validateConfiguration(input: {
  readonly name?: unknown;
  readonly description?: unknown;
  readonly defaults?: unknown;
}): Result<ConfigurationFields, InvalidConfiguration> {
  const issues: FieldIssue[] = [];
  let name = '';
  if (typeof input.name !== 'string') issues.push({ path: 'name', message: 'is required' });
  else {
    name = input.name.trim().replace(/\s+/g, ' ');
    if (name.length === 0) issues.push({ path: 'name', message: 'must not be empty' });
    else if (name.length > CONFIGURATION_LIMITS.nameMaxChars)
      issues.push({
        path: 'name',
        message: `must be at most ${CONFIGURATION_LIMITS.nameMaxChars} characters`,
      });
  }
  let description: string | null = null;
  if (given(input.description)) {
    if (typeof input.description !== 'string')
      issues.push({ path: 'description', message: 'must be a string' });
    else if (input.description.length > CONFIGURATION_LIMITS.descriptionMaxChars)
      issues.push({
        path: 'description',
        message: `must be at most ${CONFIGURATION_LIMITS.descriptionMaxChars} characters`,
      });
    else description = input.description.trim() === '' ? null : input.description.trim();
  }
  const defaults = validateSpecDefaults(input.defaults ?? {}, 'defaults.');
  if (defaults.isErr()) issues.push(...defaults.error);
  if (issues.length > 0 || defaults.isErr()) return err({ type: 'InvalidConfiguration', issues });
  return ok({ name, description, defaults: defaults.value });
}

/**
 * User preference keys (UserRecord `preferences`, as `PUT /users/me/preferences` stores them) and
 * the spec field each presets: one table with the preferences' own validation.
 */
export const PREFERENCE_FIELDS: Readonly<Record<string, DefaultableField>> = PREFERENCE_SPEC_FIELDS;

/**
 * Spec defaults from a user's saved preferences. A preference whose value breaks the VideoSpec
 * rules (preferences are stored as free JSON) is ignored rather than failing the user's requests.
 */
export function specDefaultsFromPreferences(preferences: Readonly<Record<string, unknown>>): SpecDefaults {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(PREFERENCE_FIELDS)) {
    const value = preferences[key];
    if (!given(value)) continue;
    const checked = validateSpecDefaults({ [field]: value });
    if (checked.isOk()) Object.assign(out, checked.value);
  }
  return out as SpecDefaults;
}

/**
 * Merges spec layers, highest precedence first (request, configuration, preferences): a field
 * given (not `undefined`/`null`) in a higher layer wins; `rag` and `assets` merge one level deep,
 * so a request naming `rag.sourceUploadIds` keeps a configuration's `rag.topK`. Built-in defaults
 * come last, from `VideoSpec.create`.
 */
export function mergeSpecLayers(...layers: readonly (VideoSpecInput | SpecDefaults)[]): VideoSpecInput {
  const out: Record<string, unknown> = {};
  for (const layer of [...layers].reverse()) {
    for (const [key, value] of Object.entries(layer)) {
      if (!given(value)) continue;
      const below = out[key];
      out[key] =
        (key === 'rag' || key === 'assets') && isRecord(below) && isRecord(value)
          ? { ...below, ...Object.fromEntries(Object.entries(value).filter(([, v]) => given(v))) }
          : value;
    }
  }
  return out as VideoSpecInput;
}
