import { err, ok } from 'neverthrow';
import { VideoSpec } from './video-spec.js';
/** Largest `extra` object, in bytes of its UTF-8 JSON. */
export const PREFERENCES_EXTRA_MAX_BYTES = 4_096;
/** Preference field -> the VideoSpec field whose rule it follows (a default must be a valid spec value). */
const SPEC_FIELDS = {
    defaultQuality: 'quality',
    defaultAspectRatio: 'aspectRatio',
    defaultVoice: 'voice',
    defaultLanguage: 'language',
    defaultNarration: 'narration',
    defaultWebhookUrl: 'callbackUrl',
};
const FIELDS = [...Object.keys(SPEC_FIELDS), 'extra'];
const MAX_LENGTH = { defaultVoice: 40, defaultLanguage: 35 };
const isRecord = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const utf8Bytes = (text) => new TextEncoder().encode(text).length;
export const UserPreferences = {
    /**
     * Validates a whole preferences object (PUT replaces, so absent fields are unset). Each default
     * follows the VideoSpec rule of its field; `extra` must be a JSON object of at most 4 KB;
     * unknown fields are refused.
     * @returns the preferences, or `InvalidPreferences` listing every problem with its field path.
     */
    create(input) {
        if (!isRecord(input))
            return err({ type: 'InvalidPreferences', issues: [{ path: '', message: 'must be an object' }] });
        const issues = [];
        for (const key of Object.keys(input))
            if (!FIELDS.includes(key))
                issues.push({ path: key, message: 'is not a known preference' });
        const probe = { topic: 'preferences' };
        const out = {};
        for (const [field, specField] of Object.entries(SPEC_FIELDS)) {
            const value = input[field];
            if (value === undefined || value === null)
                continue;
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
            const bySpec = new Map(Object.entries(SPEC_FIELDS).map(([p, s]) => [s, p]));
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
            if (!isRecord(extra))
                issues.push({ path: 'extra', message: 'must be an object' });
            else {
                let text;
                try {
                    text = JSON.stringify(extra);
                }
                catch {
                    text = undefined;
                }
                if (text === undefined)
                    issues.push({ path: 'extra', message: 'must be JSON' });
                else if (utf8Bytes(text) > PREFERENCES_EXTRA_MAX_BYTES)
                    issues.push({
                        path: 'extra',
                        message: `must be at most ${PREFERENCES_EXTRA_MAX_BYTES} bytes as JSON`,
                    });
                else
                    out['extra'] = JSON.parse(text);
            }
        }
        if (issues.length > 0)
            return err({ type: 'InvalidPreferences', issues });
        return ok(out);
    },
    /**
     * Reads stored preferences, keeping only the fields that are still valid (rules may have
     * tightened since they were saved); never fails.
     */
    fromStored(stored) {
        if (!isRecord(stored))
            return {};
        const first = UserPreferences.create(stored);
        if (first.isOk())
            return first.value;
        const bad = new Set(first.error.issues.map((i) => i.path.split('.')[0]));
        const kept = Object.fromEntries(Object.entries(stored).filter(([k]) => !bad.has(k)));
        return UserPreferences.create(kept).unwrapOr({});
    },
};
//# sourceMappingURL=user-preferences.js.map