import { err, ok } from 'neverthrow';
import { VideoSpec, } from './video-spec.js';
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
];
export const CONFIGURATION_LIMITS = { nameMaxChars: 100, descriptionMaxChars: 1000 };
const isRecord = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Stands in for a missing topic so that the other fields can be checked by `VideoSpec.create`. */
const PLACEHOLDER_TOPIC = 'placeholder';
const given = (v) => v !== undefined && v !== null;
/**
 * Checks a partial VideoSpec with the VideoSpec rules and returns the given fields, normalised.
 * @param pathPrefix prepended to issue paths (`defaults.`).
 */
export function validateSpecDefaults(input, pathPrefix = '') {
    if (!isRecord(input))
        return err([{ path: pathPrefix.replace(/\.$/, '') || '(root)', message: 'must be an object' }]);
    const issues = [];
    for (const key of Object.keys(input)) {
        if (key === 'configurationId')
            issues.push({
                path: `${pathPrefix}${key}`,
                message: 'a configuration cannot name another configuration',
            });
        else if (!DEFAULTABLE_FIELDS.includes(key))
            issues.push({ path: `${pathPrefix}${key}`, message: 'is not a VideoSpec field' });
    }
    const spec = VideoSpec.create({ ...input, topic: input['topic'] ?? PLACEHOLDER_TOPIC });
    if (spec.isErr())
        issues.push(...spec.error.issues.map((i) => ({ ...i, path: `${pathPrefix}${i.path}` })));
    if (issues.length > 0 || spec.isErr())
        return err(issues);
    const v = spec.value;
    const out = {};
    for (const field of DEFAULTABLE_FIELDS) {
        if (!given(input[field]))
            continue;
        if (field === 'rag') {
            const raw = input['rag'];
            out['rag'] = {
                ...(given(raw['sourceUploadIds']) ? { sourceUploadIds: [...(v.rag?.sourceUploadIds ?? [])] } : {}),
                ...(given(raw['topK']) ? { topK: v.rag?.topK } : {}),
            };
        }
        else if (field === 'assets') {
            if (v.assets !== undefined)
                out['assets'] = { ...v.assets };
        }
        else {
            out[field] = v[field];
        }
    }
    return ok(out);
}
/**
 * Validates the user-editable fields of a configuration: `name` (trimmed, 1–100 characters),
 * `description` (optional, at most 1000 characters), `defaults` (a partial VideoSpec, see
 * {@link validateSpecDefaults}).
 * @returns the normalised fields, or `InvalidConfiguration` listing every problem.
 */
export function validateConfiguration(input) {
    const issues = [];
    let name = '';
    if (typeof input.name !== 'string')
        issues.push({ path: 'name', message: 'is required' });
    else {
        name = input.name.trim().replace(/\s+/g, ' ');
        if (name.length === 0)
            issues.push({ path: 'name', message: 'must not be empty' });
        else if (name.length > CONFIGURATION_LIMITS.nameMaxChars)
            issues.push({
                path: 'name',
                message: `must be at most ${CONFIGURATION_LIMITS.nameMaxChars} characters`,
            });
    }
    let description = null;
    if (given(input.description)) {
        if (typeof input.description !== 'string')
            issues.push({ path: 'description', message: 'must be a string' });
        else if (input.description.length > CONFIGURATION_LIMITS.descriptionMaxChars)
            issues.push({
                path: 'description',
                message: `must be at most ${CONFIGURATION_LIMITS.descriptionMaxChars} characters`,
            });
        else
            description = input.description.trim() === '' ? null : input.description.trim();
    }
    const defaults = validateSpecDefaults(input.defaults ?? {}, 'defaults.');
    if (defaults.isErr())
        issues.push(...defaults.error);
    if (issues.length > 0 || defaults.isErr())
        return err({ type: 'InvalidConfiguration', issues });
    return ok({ name, description, defaults: defaults.value });
}
/** User preference keys (UserRecord `preferences`) and the spec field each presets. */
export const PREFERENCE_FIELDS = {
    defaultQuality: 'quality',
    defaultAspectRatio: 'aspectRatio',
    defaultVoice: 'voice',
    defaultLanguage: 'language',
    narration: 'narration',
};
/**
 * Spec defaults from a user's saved preferences. A preference whose value breaks the VideoSpec
 * rules (preferences are stored as free JSON) is ignored rather than failing the user's requests.
 */
export function specDefaultsFromPreferences(preferences) {
    const out = {};
    for (const [key, field] of Object.entries(PREFERENCE_FIELDS)) {
        const value = preferences[key];
        if (!given(value))
            continue;
        const checked = validateSpecDefaults({ [field]: value });
        if (checked.isOk())
            Object.assign(out, checked.value);
    }
    return out;
}
/**
 * Merges spec layers, highest precedence first (request, configuration, preferences): a field
 * given (not `undefined`/`null`) in a higher layer wins; `rag` and `assets` merge one level deep,
 * so a request naming `rag.sourceUploadIds` keeps a configuration's `rag.topK`. Built-in defaults
 * come last, from `VideoSpec.create`.
 */
export function mergeSpecLayers(...layers) {
    const out = {};
    for (const layer of [...layers].reverse()) {
        for (const [key, value] of Object.entries(layer)) {
            if (!given(value))
                continue;
            const below = out[key];
            out[key] =
                (key === 'rag' || key === 'assets') && isRecord(below) && isRecord(value)
                    ? { ...below, ...Object.fromEntries(Object.entries(value).filter(([, v]) => given(v))) }
                    : value;
        }
    }
    return out;
}
//# sourceMappingURL=configuration.js.map