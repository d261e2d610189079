import { err, ok } from 'neverthrow';
import { invalidSpec } from './errors.js';
export const QUALITIES = ['preview', 'low', 'medium', 'high'];
export const ASPECT_RATIOS = ['16:9', '9:16', '1:1'];
/** Limits of a VideoSpec, shared by the domain rules and the HTTP schema. */
export const SPEC_LIMITS = {
    topicMaxChars: 200,
    contextMaxChars: 20_000,
    minDurationSeconds: 5,
    maxDurationSeconds: 600,
    defaultDurationSeconds: 120,
    ragTopKMax: 20,
    ragDefaultTopK: 5,
    maxSourceUploads: 20,
};
const QUALITY_TABLE = {
    preview: { long: 640, short: 360, fps: 15, preset: 'ultrafast', crf: 30, audio: 64 },
    low: { long: 854, short: 480, fps: 24, preset: 'veryfast', crf: 26, audio: 96 },
    medium: { long: 1280, short: 720, fps: 30, preset: 'veryfast', crf: 23, audio: 128 },
    high: { long: 1920, short: 1080, fps: 30, preset: 'fast', crf: 21, audio: 160 },
};
const VOICE_PATTERN = /^[a-z]{2,3}(?:[-+][a-z0-9]{1,8})*$/i;
const LANGUAGE_PATTERN = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const isRecord = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Reads one optional field, recording an issue when present with the wrong shape. */
function field(issues, path, value, fallback, check) {
    if (value === undefined || value === null)
        return fallback;
    const problem = check(value);
    if (problem !== null) {
        issues.push({ path, message: problem });
        return fallback;
    }
    return value;
}
const oneOf = (values) => (v) => typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}`;
const bool = (v) => (typeof v === 'boolean' ? null : 'must be a boolean');
const pattern = (re, what) => (v) => typeof v === 'string' && re.test(v) ? null : `must be ${what}`;
function parseCallbackUrl(v) {
    if (typeof v !== 'string' || v.length > 2048)
        return 'must be an http(s) URL of at most 2048 characters';
    try {
        const url = new URL(v);
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
            return 'must use http or https';
        if (url.username || url.password)
            return 'must not carry credentials';
        return null;
    }
    catch {
        return 'must be an absolute http(s) URL';
    }
}
function parseRag(issues, value) {
    if (value === undefined || value === null)
        return undefined;
    if (!isRecord(value)) {
        issues.push({ path: 'rag', message: 'must be an object' });
        return undefined;
    }
    const ids = value['sourceUploadIds'] ?? [];
    let sourceUploadIds = [];
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || !ID_PATTERN.test(id))) {
        issues.push({ path: 'rag.sourceUploadIds', message: 'must be an array of upload ids' });
    }
    else if (new Set(ids).size > SPEC_LIMITS.maxSourceUploads) {
        issues.push({
            path: 'rag.sourceUploadIds',
            message: `must list at most ${SPEC_LIMITS.maxSourceUploads} uploads`,
        });
    }
    else {
        sourceUploadIds = [...new Set(ids)];
    }
    const topK = field(issues, 'rag.topK', value['topK'], SPEC_LIMITS.ragDefaultTopK, (v) => Number.isInteger(v) && v >= 1 && v <= SPEC_LIMITS.ragTopKMax
        ? null
        : `must be an integer from 1 to ${SPEC_LIMITS.ragTopKMax}`);
    return { sourceUploadIds, topK };
}
function parseAssets(issues, value) {
    if (value === undefined || value === null)
        return undefined;
    if (!isRecord(value)) {
        issues.push({ path: 'assets', message: 'must be an object' });
        return undefined;
    }
    const out = {};
    for (const key of ['logoUploadId', 'backgroundUploadId', 'musicUploadId']) {
        const v = value[key];
        if (v === undefined || v === null)
            continue;
        if (typeof v !== 'string' || !ID_PATTERN.test(v))
            issues.push({ path: `assets.${key}`, message: 'must be an upload id' });
        else
            out[key] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
}
/** Normalises whitespace: trims, collapses runs of spaces and tabs, keeps paragraph breaks. */
const normaliseText = (s) => s
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
export const VideoSpec = {
    /**
     * Validates untrusted input and builds a VideoSpec, applying defaults
     * (quality `medium`, aspect ratio `16:9`, narration on, voice `en-us`, language `en`,
     * 120 s maximum duration, RAG off).
     *
     * @returns `Ok(VideoSpec)`, or `Err(InvalidVideoSpec)` listing every problem with its field path.
     */
    create(input) {
        const issues = [];
        let topic = '';
        if (typeof input.topic !== 'string') {
            issues.push({
                path: 'topic',
                message: input.topic === undefined || input.topic === null ? 'is required' : 'must be a string',
            });
        }
        else {
            topic = normaliseText(input.topic).replace(/\n+/g, ' ');
            if (topic.length === 0)
                issues.push({ path: 'topic', message: 'must not be empty' });
            else if (topic.length > SPEC_LIMITS.topicMaxChars)
                issues.push({ path: 'topic', message: `must be at most ${SPEC_LIMITS.topicMaxChars} characters` });
        }
        let context = '';
        if (input.context !== undefined && input.context !== null) {
            if (typeof input.context !== 'string')
                issues.push({ path: 'context', message: 'must be a string' });
            else {
                context = normaliseText(input.context);
                if (context.length > SPEC_LIMITS.contextMaxChars)
                    issues.push({
                        path: 'context',
                        message: `must be at most ${SPEC_LIMITS.contextMaxChars} characters`,
                    });
            }
        }
        const quality = field(issues, 'quality', input.quality, 'medium', oneOf(QUALITIES));
        const aspectRatio = field(issues, 'aspectRatio', input.aspectRatio, '16:9', oneOf(ASPECT_RATIOS));
        const narration = field(issues, 'narration', input.narration, true, bool);
        const voice = field(issues, 'voice', input.voice, 'en-us', pattern(VOICE_PATTERN, 'a voice name like en-us'));
        const language = field(issues, 'language', input.language, 'en', pattern(LANGUAGE_PATTERN, 'a BCP 47 tag like en'));
        const maxDurationSeconds = field(issues, 'maxDurationSeconds', input.maxDurationSeconds, SPEC_LIMITS.defaultDurationSeconds, (v) => typeof v === 'number' &&
            Number.isFinite(v) &&
            v >= SPEC_LIMITS.minDurationSeconds &&
            v <= SPEC_LIMITS.maxDurationSeconds
            ? null
            : `must be a number from ${SPEC_LIMITS.minDurationSeconds} to ${SPEC_LIMITS.maxDurationSeconds}`);
        const useRag = field(issues, 'useRag', input.useRag, false, bool);
        const rag = parseRag(issues, input.rag);
        if (useRag && (rag === undefined || rag.sourceUploadIds.length === 0))
            issues.push({
                path: 'rag.sourceUploadIds',
                message: 'must name at least one upload when useRag is true',
            });
        const assets = parseAssets(issues, input.assets);
        const configurationId = field(issues, 'configurationId', input.configurationId, undefined, pattern(ID_PATTERN, 'a configuration id'));
        let callbackUrl;
        if (input.callbackUrl !== undefined && input.callbackUrl !== null) {
            const problem = parseCallbackUrl(input.callbackUrl);
            if (problem)
                issues.push({ path: 'callbackUrl', message: problem });
            else
                callbackUrl = input.callbackUrl;
        }
        if (issues.length > 0)
            return err(invalidSpec(issues));
        const props = {
            topic,
            context,
            quality,
            aspectRatio,
            narration,
            voice: voice.toLowerCase(),
            language,
            maxDurationSeconds,
            useRag,
            ...(rag ? { rag } : {}),
            ...(assets ? { assets } : {}),
            ...(configurationId !== undefined ? { configurationId } : {}),
            ...(callbackUrl !== undefined ? { callbackUrl } : {}),
        };
        return ok(deepFreeze(props));
    },
    /** Plain JSON form of a spec (for storage and API responses). */
    toJSON(spec) {
        return JSON.parse(JSON.stringify(spec));
    },
    /** Two specs are equal when every field is equal (value semantics). */
    equals(a, b) {
        return canonicalJson(a) === canonicalJson(b);
    },
    /** Resolution, frame rate and encoder settings for the spec's quality and aspect ratio. */
    renderSettings(spec) {
        const q = QUALITY_TABLE[spec.quality];
        const [width, height] = spec.aspectRatio === '16:9'
            ? [q.long, q.short]
            : spec.aspectRatio === '9:16'
                ? [q.short, q.long]
                : [q.short, q.short];
        return { width, height, fps: q.fps, preset: q.preset, crf: q.crf, audioBitrateKbps: q.audio };
    },
};
function deepFreeze(value) {
    if (typeof value === 'object' && value !== null) {
        for (const v of Object.values(value))
            deepFreeze(v);
        Object.freeze(value);
    }
    return value;
}
/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(value) {
    return JSON.stringify(value, (_key, v) => isRecord(v)
        ? Object.fromEntries(Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]))
        : v);
}
//# sourceMappingURL=video-spec.js.map