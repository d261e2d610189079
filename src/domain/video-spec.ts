import { err, ok, type Result } from 'neverthrow';
import { invalidSpec, type FieldIssue, type InvalidVideoSpec } from './errors.js';

export const QUALITIES = ['preview', 'low', 'medium', 'high'] as const;
export type Quality = (typeof QUALITIES)[number];

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

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
} as const;

export interface RagOptions {
  /** Ids of uploaded documents to retrieve passages from. */
  readonly sourceUploadIds: readonly string[];
  /** Number of passages to retrieve (1–20). */
  readonly topK: number;
}

export interface SpecAssets {
  readonly logoUploadId?: string;
  readonly backgroundUploadId?: string;
  readonly musicUploadId?: string;
}

/** The validated fields of a VideoSpec. */
export interface VideoSpecProps {
  readonly topic: string;
  readonly context: string;
  readonly quality: Quality;
  readonly aspectRatio: AspectRatio;
  readonly narration: boolean;
  /** espeak-ng voice name, e.g. `en-us`. */
  readonly voice: string;
  /** BCP 47 language tag, e.g. `en`. */
  readonly language: string;
  /** Upper bound of the rendered video's length in seconds (5–600). */
  readonly maxDurationSeconds: number;
  readonly useRag: boolean;
  readonly rag?: RagOptions;
  readonly assets?: SpecAssets;
  readonly configurationId?: string;
  /** http(s) URL that receives a signed webhook when the job ends. */
  readonly callbackUrl?: string;
}

declare const videoSpecBrand: unique symbol;
/** An immutable, validated video specification. Only {@link VideoSpec.create} makes one. */
export type VideoSpec = VideoSpecProps & { readonly [videoSpecBrand]: true };

/** Untrusted input for {@link VideoSpec.create}: everything but `topic` is optional. */
export interface VideoSpecInput {
  readonly topic?: unknown;
  readonly context?: unknown;
  readonly quality?: unknown;
  readonly aspectRatio?: unknown;
  readonly narration?: unknown;
  readonly voice?: unknown;
  readonly language?: unknown;
  readonly maxDurationSeconds?: unknown;
  readonly useRag?: unknown;
  readonly rag?: unknown;
  readonly assets?: unknown;
  readonly configurationId?: unknown;
  readonly callbackUrl?: unknown;
}

/** Output settings derived from quality and aspect ratio. Sizes in pixels, rate in frames/s. */
export interface RenderSettings {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** x264 preset name. */
  readonly preset: string;
  /** x264 constant rate factor (lower is better quality). */
  readonly crf: number;
  /** AAC bitrate in kbit/s. */
  readonly audioBitrateKbps: number;
}

const QUALITY_TABLE: Record<
  Quality,
  { long: number; short: number; fps: number; preset: string; crf: number; audio: number }
> = {
  preview: { long: 640, short: 360, fps: 15, preset: 'ultrafast', crf: 30, audio: 64 },
  low: { long: 854, short: 480, fps: 24, preset: 'veryfast', crf: 26, audio: 96 },
  medium: { long: 1280, short: 720, fps: 30, preset: 'veryfast', crf: 23, audio: 128 },
  high: { long: 1920, short: 1080, fps: 30, preset: 'fast', crf: 21, audio: 160 },
};

const VOICE_PATTERN = /^[a-z]{2,3}(?:[-+][a-z0-9]{1,8})*$/i;
const LANGUAGE_PATTERN = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads one optional field, recording an issue when present with the wrong shape. */
function field<T>(
  issues: FieldIssue[],
  path: string,
  value: unknown,
  fallback: T,
  check: (v: unknown) => string | null,
): T {
  if (value === undefined || value === null) return fallback;
  const problem = check(value);
  if (problem !== null) {
    issues.push({ path, message: problem });
    return fallback;
  }
  return value as T;
}

const oneOf =
  (values: readonly string[]) =>
  (v: unknown): string | null =>
    typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}`;

const bool = (v: unknown): string | null => (typeof v === 'boolean' ? null : 'must be a boolean');

const pattern =
  (re: RegExp, what: string) =>
  (v: unknown): string | null =>
    typeof v === 'string' && re.test(v) ? null : `must be ${what}`;

function parseCallbackUrl(v: unknown): string | null {
  if (typeof v !== 'string' || v.length > 2048) return 'must be an http(s) URL of at most 2048 characters';
  try {
    const url = new URL(v);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
    if (url.username || url.password) return 'must not carry credentials';
    return null;
  } catch {
    return 'must be an absolute http(s) URL';
  }
}

function parseRag(issues: FieldIssue[], value: unknown): RagOptions | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    issues.push({ path: 'rag', message: 'must be an object' });
    return undefined;
  }
  const ids = value['sourceUploadIds'] ?? [];
  let sourceUploadIds: string[] = [];
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || !ID_PATTERN.test(id))) {
    issues.push({ path: 'rag.sourceUploadIds', message: 'must be an array of upload ids' });
  } else if (new Set(ids).size > SPEC_LIMITS.maxSourceUploads) {
    issues.push({
      path: 'rag.sourceUploadIds',
      message: `must list at most ${SPEC_LIMITS.maxSourceUploads} uploads`,
    });
  } else {
    sourceUploadIds = [...new Set(ids as string[])];
  }
  const topK = field<number>(issues, 'rag.topK', value['topK'], SPEC_LIMITS.ragDefaultTopK, (v) =>
    Number.isInteger(v) && (v as number) >= 1 && (v as number) <= SPEC_LIMITS.ragTopKMax
      ? null
      : `must be an integer from 1 to ${SPEC_LIMITS.ragTopKMax}`,
  );
  return { sourceUploadIds, topK };
}

function parseAssets(issues: FieldIssue[], value: unknown): SpecAssets | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    issues.push({ path: 'assets', message: 'must be an object' });
    return undefined;
  }
  const out: { logoUploadId?: string; backgroundUploadId?: string; musicUploadId?: string } = {};
  for (const key of ['logoUploadId', 'backgroundUploadId', 'musicUploadId'] as const) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || !ID_PATTERN.test(v))
      issues.push({ path: `assets.${key}`, message: 'must be an upload id' });
    else out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Normalises whitespace: trims, collapses runs of spaces and tabs, keeps paragraph breaks. */
const normaliseText = (s: string): string =>
  s
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
  create(input: VideoSpecInput): Result<VideoSpec, InvalidVideoSpec> {
    const issues: FieldIssue[] = [];
    let topic = '';
    if (typeof input.topic !== 'string') {
      issues.push({
        path: 'topic',
        message: input.topic === undefined || input.topic === null ? 'is required' : 'must be a string',
      });
    } else {
      topic = normaliseText(input.topic).replace(/\n+/g, ' ');
      if (topic.length === 0) issues.push({ path: 'topic', message: 'must not be empty' });
      else if (topic.length > SPEC_LIMITS.topicMaxChars)
        issues.push({ path: 'topic', message: `must be at most ${SPEC_LIMITS.topicMaxChars} characters` });
    }
    let context = '';
    if (input.context !== undefined && input.context !== null) {
      if (typeof input.context !== 'string') issues.push({ path: 'context', message: 'must be a string' });
      else {
        context = normaliseText(input.context);
        if (context.length > SPEC_LIMITS.contextMaxChars)
          issues.push({
            path: 'context',
            message: `must be at most ${SPEC_LIMITS.contextMaxChars} characters`,
          });
      }
    }
    const quality = field<Quality>(issues, 'quality', input.quality, 'medium', oneOf(QUALITIES));
    const aspectRatio = field<AspectRatio>(
      issues,
      'aspectRatio',
      input.aspectRatio,
      '16:9',
      oneOf(ASPECT_RATIOS),
    );
    const narration = field<boolean>(issues, 'narration', input.narration, true, bool);
    const voice = field<string>(
      issues,
      'voice',
      input.voice,
      'en-us',
      pattern(VOICE_PATTERN, 'a voice name like en-us'),
    );
    const language = field<string>(
      issues,
      'language',
      input.language,
      'en',
      pattern(LANGUAGE_PATTERN, 'a BCP 47 tag like en'),
    );
    const maxDurationSeconds = field<number>(
      issues,
      'maxDurationSeconds',
      input.maxDurationSeconds,
      SPEC_LIMITS.defaultDurationSeconds,
      (v) =>
        typeof v === 'number' &&
        Number.isFinite(v) &&
        v >= SPEC_LIMITS.minDurationSeconds &&
        v <= SPEC_LIMITS.maxDurationSeconds
          ? null
          : `must be a number from ${SPEC_LIMITS.minDurationSeconds} to ${SPEC_LIMITS.maxDurationSeconds}`,
    );
    const useRag = field<boolean>(issues, 'useRag', input.useRag, false, bool);
    const rag = parseRag(issues, input.rag);
    if (useRag && (rag === undefined || rag.sourceUploadIds.length === 0))
      issues.push({
        path: 'rag.sourceUploadIds',
        message: 'must name at least one upload when useRag is true',
      });
    const assets = parseAssets(issues, input.assets);
    const configurationId = field<string | undefined>(
      issues,
      'configurationId',
      input.configurationId,
      undefined,
      pattern(ID_PATTERN, 'a configuration id'),
    );
    let callbackUrl: string | undefined;
    if (input.callbackUrl !== undefined && input.callbackUrl !== null) {
      const problem = parseCallbackUrl(input.callbackUrl);
      if (problem) issues.push({ path: 'callbackUrl', message: problem });
      else callbackUrl = input.callbackUrl as string;
    }
    if (issues.length > 0) return err(invalidSpec(issues));
    const props: VideoSpecProps = {
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
    return ok(deepFreeze(props) as VideoSpec);
  },

  /** Plain JSON form of a spec (for storage and API responses). */
  toJSON(spec: VideoSpec): VideoSpecProps {
    return JSON.parse(JSON.stringify(spec)) as VideoSpecProps;
  },

  /** Two specs are equal when every field is equal (value semantics). */
  equals(a: VideoSpec, b: VideoSpec): boolean {
    return canonicalJson(a) === canonicalJson(b);
  },

  /** Resolution, frame rate and encoder settings for the spec's quality and aspect ratio. */
  renderSettings(spec: VideoSpecProps): RenderSettings {
    const q = QUALITY_TABLE[spec.quality];
    const [width, height] =
      spec.aspectRatio === '16:9'
        ? [q.long, q.short]
        : spec.aspectRatio === '9:16'
          ? [q.short, q.long]
          : [q.short, q.short];
    return { width, height, fps: q.fps, preset: q.preset, crf: q.crf, audioBitrateKbps: q.audio };
  },
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}
