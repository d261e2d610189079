import { err, ok, type Result } from 'neverthrow';
import type { FieldIssue } from './errors.js';
import { VideoSpec, type AspectRatio, type Quality, type VideoSpecInput } from './video-spec.js';

/** Largest `extra` object, in bytes of its UTF-8 JSON. */
export const PREFERENCES_EXTRA_MAX_BYTES = 4_096;

/** A user's saved defaults for new jobs, plus free-form `extra` settings of a front end. Unset fields are absent. */
export interface UserPreferences {
  readonly defaultQuality?: Quality;
  readonly defaultAspectRatio?: AspectRatio;
  /** espeak-ng voice, e.g. `en-us`. */
  readonly defaultVoice?: string;
  /** BCP 47 language tag, e.g. `en`. */
  readonly defaultLanguage?: string;
  /** Whether new jobs are narrated. */
  readonly defaultNarration?: boolean;
  /** http(s) URL used as a job's `callbackUrl` when a request gives none. */
  readonly defaultWebhookUrl?: string;
  /** Free-form JSON object, at most {@link PREFERENCES_EXTRA_MAX_BYTES} bytes. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Preferences broke one or more rules. */
export interface InvalidPreferences {
  readonly type: 'InvalidPreferences';
  readonly issues: readonly FieldIssue[];
}

/**
 * Preference field -> the VideoSpec field it presets and whose rule it follows (a default must be a
 * valid spec value). New jobs read preferences through this table (`specDefaultsFromPreferences`).
 */
export const PREFERENCE_SPEC_FIELDS = {
  defaultQuality: 'quality',
  defaultAspectRatio: 'aspectRatio',
  defaultVoice: 'voice',
  defaultLanguage: 'language',
  defaultNarration: 'narration',
  defaultWebhookUrl: 'callbackUrl',
} as const satisfies Record<string, keyof VideoSpecInput>;

type SpecField = keyof typeof PREFERENCE_SPEC_FIELDS;
const FIELDS = [...(Object.keys(PREFERENCE_SPEC_FIELDS) as SpecField[]), 'extra'] as const;
const MAX_LENGTH: Partial<Record<SpecField, number>> = { defaultVoice: 40, defaultLanguage: 35 };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

export const UserPreferences = {
  /**
   * Validates a whole preferences object (PUT replaces, so absent fields are unset). Each default
   * follows the VideoSpec rule of its field; `extra` must be a JSON object of at most 4 KB;
   * unknown fields are refused.
   * @returns the preferences, or `InvalidPreferences` listing every problem with its field path.
   */
  create(input: unknown): Result<UserPreferences, InvalidPreferences> {
    if (!isRecord(input))
      return err({ type: 'InvalidPreferences', issues: [{ path: '', message: 'must be an object' }] });
    const issues: FieldIssue[] = [];
    for (const key of Object.keys(input))
      if (!(FIELDS as readonly string[]).includes(key))
        issues.push({ path: key, message: 'is not a known preference' });

    const probe: Record<string, unknown> = { topic: 'preferences' };
    const out: Record<string, unknown> = {};
    for (const [field, specField] of Object.entries(PREFERENCE_SPEC_FIELDS) as [
      SpecField,
      keyof VideoSpecInput,
    ][]) {
      const value = input[field];
      if (value === undefined || value === null) continue;
      const max = MAX_LENGTH[field];
      if (max !== undefined && typeof value === 'string' && value.length > max) {
        issues.push({ path: field, message: `must be at most ${max} characters` });
        continue;
      }
      probe[specField] = value;
      out[field] = value;
    }
    const spec = VideoSpec.create(probe);
    if (spec.isErr()) {
      const bySpec = new Map(Object.entries(PREFERENCE_SPEC_FIELDS).map(([p, s]) => [s as string, p]));
      for (const issue of spec.error.issues) {
        const field = bySpec.get(issue.path);
        if (field !== undefined) {
          issues.push({ path: field, message: issue.message });
          delete out[field];
        }
      }
    }

    const extra = input['extra'];
    if (extra !== undefined && extra !== null) {
      if (!isRecord(extra)) issues.push({ path: 'extra', message: 'must be an object' });
      else {
        let text: string | undefined;
        try {
          text = JSON.stringify(extra);
        } catch {
          text = undefined;
        }
        if (text === undefined) issues.push({ path: 'extra', message: 'must be JSON' });
        else if (utf8Bytes(text) > PREFERENCES_EXTRA_MAX_BYTES)
          issues.push({
            path: 'extra',
            message: `must be at most ${PREFERENCES_EXTRA_MAX_BYTES} bytes as JSON`,
          });
        else out['extra'] = JSON.parse(text) as Record<string, unknown>;
      }
    }
    if (issues.length > 0) return err({ type: 'InvalidPreferences', issues });
    return ok(out as UserPreferences);
  },

  /**
   * Reads stored preferences, keeping only the fields that are still valid (rules may have
   * tightened since they were saved); never fails.
   */
  fromStored(stored: unknown): UserPreferences {
    if (!isRecord(stored)) return {};
    const first = UserPreferences.create(stored);
    if (first.isOk()) return first.value;
    const bad = new Set(first.error.issues.map((i) => i.path.split('.')[0]));
    const kept = Object.fromEntries(Object.entries(stored).filter(([k]) => !bad.has(k)));
    return UserPreferences.create(kept).unwrapOr({});
  },
};
