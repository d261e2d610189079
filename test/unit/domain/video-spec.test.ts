import { describe, expect, it } from 'vitest';
import type { FieldIssue } from '../../../src/domain/errors.js';
import {
  ASPECT_RATIOS,
  canonicalJson,
  QUALITIES,
  SPEC_LIMITS,
  VideoSpec,
  type VideoSpecInput,
} from '../../../src/domain/video-spec.js';

const TOPIC = 'How photosynthesis works';

const valid = (input: VideoSpecInput): VideoSpec => VideoSpec.create(input)._unsafeUnwrap();

/** The issues of an input that must be refused. */
const issuesOf = (input: VideoSpecInput): readonly FieldIssue[] => {
  const error = VideoSpec.create(input)._unsafeUnwrapErr();
  expect(error.type).toBe('InvalidVideoSpec');
  return error.issues;
};

/** Asserts the input is refused with exactly one issue at `path`, and returns its message. */
const singleIssue = (input: VideoSpecInput, path: string): string => {
  const issues = issuesOf(input);
  expect(issues.map((i) => i.path)).toEqual([path]);
  return issues[0]!.message;
};

const withTopic = (rest: Omit<VideoSpecInput, 'topic'>): VideoSpecInput => ({ topic: TOPIC, ...rest });

describe('VideoSpec.create defaults', () => {
  it('a topic alone gives every default', () => {
    expect(valid({ topic: TOPIC })).toEqual({
      topic: TOPIC,
      context: '',
      quality: 'medium',
      aspectRatio: '16:9',
      narration: true,
      voice: 'en-us',
      language: 'en',
      maxDurationSeconds: 120,
      useRag: false,
    });
  });

  it('omits optional fields that were not given', () => {
    const spec = valid({ topic: TOPIC });
    for (const key of ['rag', 'assets', 'configurationId', 'callbackUrl'])
      expect(spec).not.toHaveProperty(key);
  });

  it('treats null like absent for every optional field', () => {
    expect(
      valid({
        topic: TOPIC,
        context: null,
        quality: null,
        aspectRatio: null,
        narration: null,
        voice: null,
        language: null,
        maxDurationSeconds: null,
        useRag: null,
        rag: null,
        assets: null,
        configurationId: null,
        callbackUrl: null,
      }),
    ).toEqual(valid({ topic: TOPIC }));
  });

  it('keeps every valid field given', () => {
    expect(
      valid({
        topic: TOPIC,
        context: 'Plants turn light into sugar.',
        quality: 'high',
        aspectRatio: '9:16',
        narration: false,
        voice: 'en-gb',
        language: 'en-GB',
        maxDurationSeconds: 300,
        useRag: true,
        rag: { sourceUploadIds: ['upl_1', 'upl_2'], topK: 8 },
        assets: { logoUploadId: 'upl_logo', backgroundUploadId: 'upl_bg', musicUploadId: 'upl_music' },
        configurationId: 'cfg_default',
        callbackUrl: 'https://hooks.example.com/framecast?x=1',
      }),
    ).toEqual({
      topic: TOPIC,
      context: 'Plants turn light into sugar.',
      quality: 'high',
      aspectRatio: '9:16',
      narration: false,
      voice: 'en-gb',
      language: 'en-GB',
      maxDurationSeconds: 300,
      useRag: true,
      rag: { sourceUploadIds: ['upl_1', 'upl_2'], topK: 8 },
      assets: { logoUploadId: 'upl_logo', backgroundUploadId: 'upl_bg', musicUploadId: 'upl_music' },
      configurationId: 'cfg_default',
      callbackUrl: 'https://hooks.example.com/framecast?x=1',
    });
  });
});

describe('topic', () => {
  it.each([undefined, null])('is required (%j)', (topic) => {
    expect(singleIssue(topic === undefined ? {} : { topic }, 'topic')).toBe('is required');
  });

  it.each([42, true, ['a'], { text: 'a' }])('must be a string (%j)', (topic) => {
    expect(singleIssue({ topic }, 'topic')).toBe('must be a string');
  });

  it.each(['', '   ', '\t\n \r\n  '])('must not be empty or whitespace only (%j)', (topic) => {
    expect(singleIssue({ topic }, 'topic')).toBe('must not be empty');
  });

  it('accepts 200 characters and refuses 201', () => {
    expect(valid({ topic: 'a'.repeat(200) }).topic).toHaveLength(200);
    expect(singleIssue({ topic: 'a'.repeat(201) }, 'topic')).toBe('must be at most 200 characters');
  });

  it('measures the length after normalising whitespace', () => {
    expect(valid({ topic: `   ${'a'.repeat(200)}   ` }).topic).toBe('a'.repeat(200));
    expect(valid({ topic: `${'a'.repeat(100)}   \t  ${'b'.repeat(99)}` }).topic).toHaveLength(200);
  });

  it('trims, collapses spaces and tabs and joins lines with a single space', () => {
    expect(valid({ topic: '  Hello \t  world\n\n  again\r\nand more  ' }).topic).toBe(
      'Hello world again and more',
    );
  });
});

describe('context', () => {
  it('must be a string', () => {
    expect(singleIssue(withTopic({ context: 42 }), 'context')).toBe('must be a string');
    expect(singleIssue(withTopic({ context: ['a'] }), 'context')).toBe('must be a string');
  });

  it('accepts 20,000 characters and refuses 20,001', () => {
    expect(valid(withTopic({ context: 'a'.repeat(20_000) })).context).toHaveLength(20_000);
    expect(singleIssue(withTopic({ context: 'a'.repeat(20_001) }), 'context')).toBe(
      'must be at most 20000 characters',
    );
  });

  it('normalises whitespace but keeps paragraph breaks', () => {
    expect(valid(withTopic({ context: '  a \t b  \n\n\n\n  c\r\nd\re  ' })).context).toBe('a b\n\nc\nd\ne');
  });

  it('whitespace only becomes the empty context', () => {
    expect(valid(withTopic({ context: ' \n\t ' })).context).toBe('');
  });
});

describe('quality and aspectRatio', () => {
  it.each(QUALITIES)('accepts quality %s', (quality) => {
    expect(valid(withTopic({ quality })).quality).toBe(quality);
  });

  it.each(['ultra', 'MEDIUM', '', 3])('refuses quality %j', (quality) => {
    expect(singleIssue(withTopic({ quality }), 'quality')).toBe('must be one of preview, low, medium, high');
  });

  it.each(ASPECT_RATIOS)('accepts aspect ratio %s', (aspectRatio) => {
    expect(valid(withTopic({ aspectRatio })).aspectRatio).toBe(aspectRatio);
  });

  it.each(['4:3', '16/9', '', 1.77])('refuses aspect ratio %j', (aspectRatio) => {
    expect(singleIssue(withTopic({ aspectRatio }), 'aspectRatio')).toBe('must be one of 16:9, 9:16, 1:1');
  });
});

describe('narration and useRag', () => {
  it.each([true, false])('narration accepts %s', (narration) => {
    expect(valid(withTopic({ narration })).narration).toBe(narration);
  });

  it.each(['true', 1, 0, {}])('narration refuses %j', (narration) => {
    expect(singleIssue(withTopic({ narration }), 'narration')).toBe('must be a boolean');
  });

  it.each(['true', 1, 'yes'])('useRag refuses %j', (useRag) => {
    expect(singleIssue(withTopic({ useRag }), 'useRag')).toBe('must be a boolean');
  });

  it('useRag false with rag options keeps the options', () => {
    const spec = valid(withTopic({ useRag: false, rag: { sourceUploadIds: ['upl_1'] } }));
    expect(spec.useRag).toBe(false);
    expect(spec.rag).toEqual({ sourceUploadIds: ['upl_1'], topK: 5 });
  });
});

describe('voice and language', () => {
  it.each([
    ['en-us', 'en-us'],
    ['EN-US', 'en-us'],
    ['de', 'de'],
    ['fra', 'fra'],
    ['en+f3', 'en+f3'],
    ['en-gb-x-rp', 'en-gb-x-rp'],
  ])('voice %j is accepted as %j', (voice, expected) => {
    expect(valid(withTopic({ voice })).voice).toBe(expected);
  });

  it.each(['', 'e', 'english', 'en_us', 'en-', 'en us', 'en-toolongpart', 42])(
    'voice %j is refused',
    (voice) => {
      expect(singleIssue(withTopic({ voice }), 'voice')).toBe('must be a voice name like en-us');
    },
  );

  it.each(['en', 'pt-BR', 'zh-Hant-TW', 'yue'])('language %j is accepted as given', (language) => {
    expect(valid(withTopic({ language })).language).toBe(language);
  });

  it.each(['', 'e', 'english', 'en_US', 'en-', 'en+f3', 'en-x', 7])('language %j is refused', (language) => {
    expect(singleIssue(withTopic({ language }), 'language')).toBe('must be a BCP 47 tag like en');
  });
});

describe('maxDurationSeconds', () => {
  it.each([5, 5.5, 120, 600])('accepts %s', (maxDurationSeconds) => {
    expect(valid(withTopic({ maxDurationSeconds })).maxDurationSeconds).toBe(maxDurationSeconds);
  });

  it.each([4.9, 0, -10, 601, 600.1, Number.NaN, Number.POSITIVE_INFINITY, '60', true])(
    'refuses %j',
    (value) => {
      expect(singleIssue(withTopic({ maxDurationSeconds: value }), 'maxDurationSeconds')).toBe(
        'must be a number from 5 to 600',
      );
    },
  );

  it('matches SPEC_LIMITS', () => {
    expect(SPEC_LIMITS).toMatchObject({
      minDurationSeconds: 5,
      maxDurationSeconds: 600,
      defaultDurationSeconds: 120,
    });
  });
});

describe('rag', () => {
  it.each(['upl_1', 42, ['upl_1'], true])('must be an object (%j)', (rag) => {
    expect(singleIssue(withTopic({ rag }), 'rag')).toBe('must be an object');
  });

  it('an empty object gets no sources and the default topK', () => {
    expect(valid(withTopic({ rag: {} })).rag).toEqual({ sourceUploadIds: [], topK: 5 });
  });

  it.each([1, 5, 20])('topK %s is accepted', (topK) => {
    expect(valid(withTopic({ rag: { topK } })).rag?.topK).toBe(topK);
  });

  it.each([0, 21, -1, 2.5, '5', Number.NaN])('topK %j is refused', (topK) => {
    expect(singleIssue(withTopic({ rag: { topK } }), 'rag.topK')).toBe('must be an integer from 1 to 20');
  });

  it.each([
    ['a string', 'upl_1'],
    ['a number inside', ['upl_1', 7]],
    ['an empty id', ['']],
    ['an id with a slash', ['../etc/passwd']],
    ['an id with a space', ['upl 1']],
    ['an id of 65 characters', ['a'.repeat(65)]],
  ])('sourceUploadIds refuses %s', (_label, sourceUploadIds) => {
    expect(singleIssue(withTopic({ rag: { sourceUploadIds } }), 'rag.sourceUploadIds')).toBe(
      'must be an array of upload ids',
    );
  });

  it('accepts an id of 64 characters', () => {
    expect(valid(withTopic({ rag: { sourceUploadIds: ['a'.repeat(64)] } })).rag?.sourceUploadIds).toEqual([
      'a'.repeat(64),
    ]);
  });

  it('removes duplicate ids, keeping first-seen order', () => {
    expect(
      valid(withTopic({ rag: { sourceUploadIds: ['b', 'a', 'b', 'c', 'a'] } })).rag?.sourceUploadIds,
    ).toEqual(['b', 'a', 'c']);
  });

  it('accepts 20 ids and refuses 21', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `upl_${i}`);
    expect(valid(withTopic({ rag: { sourceUploadIds: ids(20) } })).rag?.sourceUploadIds).toHaveLength(20);
    expect(singleIssue(withTopic({ rag: { sourceUploadIds: ids(21) } }), 'rag.sourceUploadIds')).toBe(
      'must list at most 20 uploads',
    );
  });

  it('useRag true requires at least one source', () => {
    const message = 'must name at least one upload when useRag is true';
    expect(singleIssue(withTopic({ useRag: true }), 'rag.sourceUploadIds')).toBe(message);
    expect(singleIssue(withTopic({ useRag: true, rag: {} }), 'rag.sourceUploadIds')).toBe(message);
    expect(
      singleIssue(withTopic({ useRag: true, rag: { sourceUploadIds: [] } }), 'rag.sourceUploadIds'),
    ).toBe(message);
  });

  it('useRag true with one source is valid', () => {
    const spec = valid(withTopic({ useRag: true, rag: { sourceUploadIds: ['upl_1'], topK: 3 } }));
    expect(spec.useRag).toBe(true);
    expect(spec.rag).toEqual({ sourceUploadIds: ['upl_1'], topK: 3 });
  });

  it('useRag true with malformed sources reports both problems at rag.sourceUploadIds', () => {
    expect(issuesOf(withTopic({ useRag: true, rag: { sourceUploadIds: 'upl_1' } }))).toEqual([
      { path: 'rag.sourceUploadIds', message: 'must be an array of upload ids' },
      { path: 'rag.sourceUploadIds', message: 'must name at least one upload when useRag is true' },
    ]);
  });

  it('reports bad sources and bad topK together', () => {
    expect(issuesOf(withTopic({ rag: { sourceUploadIds: [1], topK: 0 } })).map((i) => i.path)).toEqual([
      'rag.sourceUploadIds',
      'rag.topK',
    ]);
  });
});

describe('assets', () => {
  it.each(['upl_logo', 1, ['upl_logo']])('must be an object (%j)', (assets) => {
    expect(singleIssue(withTopic({ assets }), 'assets')).toBe('must be an object');
  });

  it.each(['logoUploadId', 'backgroundUploadId', 'musicUploadId'])('%s must be an upload id', (key) => {
    expect(singleIssue(withTopic({ assets: { [key]: 'not an id!' } }), `assets.${key}`)).toBe(
      'must be an upload id',
    );
    expect(singleIssue(withTopic({ assets: { [key]: 12 } }), `assets.${key}`)).toBe('must be an upload id');
  });

  it('reports every bad asset id', () => {
    expect(
      issuesOf(withTopic({ assets: { logoUploadId: '', musicUploadId: 'a/b' } })).map((i) => i.path),
    ).toEqual(['assets.logoUploadId', 'assets.musicUploadId']);
  });

  it('keeps the given ids and drops null ones', () => {
    expect(
      valid(withTopic({ assets: { logoUploadId: 'upl_logo', backgroundUploadId: null } })).assets,
    ).toEqual({
      logoUploadId: 'upl_logo',
    });
  });

  it('an empty assets object is omitted', () => {
    expect(valid(withTopic({ assets: {} }))).not.toHaveProperty('assets');
  });

  it('ignores unknown asset keys', () => {
    expect(valid(withTopic({ assets: { logoUploadId: 'upl_logo', fontUploadId: 'x' } })).assets).toEqual({
      logoUploadId: 'upl_logo',
    });
  });
});

describe('configurationId', () => {
  it('accepts an id', () => {
    expect(valid(withTopic({ configurationId: 'cfg-2024_a' })).configurationId).toBe('cfg-2024_a');
  });

  it.each(['', 'cfg 1', 'cfg/1', 'a'.repeat(65), 42])('refuses %j', (configurationId) => {
    expect(singleIssue(withTopic({ configurationId }), 'configurationId')).toBe('must be a configuration id');
  });
});

describe('callbackUrl', () => {
  it.each([
    'http://hooks.example.com/x',
    'https://hooks.example.com:8443/a/b?c=d#e',
    'https://127.0.0.1/hook',
  ])('accepts %s unchanged', (callbackUrl) => {
    expect(valid(withTopic({ callbackUrl })).callbackUrl).toBe(callbackUrl);
  });

  it.each([
    ['ftp://example.com/hook', 'must use http or https'],
    ['javascript:alert(1)', 'must use http or https'],
    ['file:///etc/passwd', 'must use http or https'],
    ['/hooks/framecast', 'must be an absolute http(s) URL'],
    ['hooks.example.com/x', 'must be an absolute http(s) URL'],
    ['', 'must be an absolute http(s) URL'],
    ['https://user:secret@example.com/hook', 'must not carry credentials'],
    ['https://user@example.com/hook', 'must not carry credentials'],
    [42, 'must be an http(s) URL of at most 2048 characters'],
  ])('refuses %j', (callbackUrl, message) => {
    expect(singleIssue(withTopic({ callbackUrl }), 'callbackUrl')).toBe(message);
  });

  it('accepts 2048 characters and refuses 2049', () => {
    const prefix = 'https://example.com/';
    const url = (length: number) => prefix + 'a'.repeat(length - prefix.length);
    expect(valid(withTopic({ callbackUrl: url(2048) })).callbackUrl).toHaveLength(2048);
    expect(singleIssue(withTopic({ callbackUrl: url(2049) }), 'callbackUrl')).toBe(
      'must be an http(s) URL of at most 2048 characters',
    );
  });
});

describe('several problems', () => {
  it('are all reported at once, in field order, with their paths', () => {
    expect(
      issuesOf({
        topic: '',
        context: 1,
        quality: 'ultra',
        aspectRatio: '4:3',
        narration: 'yes',
        voice: '??',
        language: '??',
        maxDurationSeconds: 601,
        useRag: 'no',
        rag: { sourceUploadIds: [''], topK: 99 },
        assets: { logoUploadId: '' },
        configurationId: '',
        callbackUrl: 'ftp://x',
      }).map((i) => i.path),
    ).toEqual([
      'topic',
      'context',
      'quality',
      'aspectRatio',
      'narration',
      'voice',
      'language',
      'maxDurationSeconds',
      'useRag',
      'rag.sourceUploadIds',
      'rag.topK',
      'assets.logoUploadId',
      'configurationId',
      'callbackUrl',
    ]);
  });

  it('a missing topic is reported next to other problems', () => {
    expect(issuesOf({ quality: 'ultra' })).toEqual([
      { path: 'topic', message: 'is required' },
      { path: 'quality', message: 'must be one of preview, low, medium, high' },
    ]);
  });
});

describe('immutability', () => {
  it('the spec and everything inside it are frozen', () => {
    const spec = valid(
      withTopic({ useRag: true, rag: { sourceUploadIds: ['upl_1'] }, assets: { logoUploadId: 'upl_logo' } }),
    );
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(spec.rag)).toBe(true);
    expect(Object.isFrozen(spec.rag?.sourceUploadIds)).toBe(true);
    expect(Object.isFrozen(spec.assets)).toBe(true);
    expect(() => {
      (spec as { topic: string }).topic = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (spec.rag?.sourceUploadIds as string[]).push('upl_2');
    }).toThrow(TypeError);
  });

  it('does not share or freeze the caller’s arrays and objects', () => {
    const ids = ['upl_1'];
    const assets = { logoUploadId: 'upl_logo' };
    const spec = valid(withTopic({ rag: { sourceUploadIds: ids }, assets }));
    expect(Object.isFrozen(ids)).toBe(false);
    expect(Object.isFrozen(assets)).toBe(false);
    ids.push('upl_2');
    assets.logoUploadId = 'upl_other';
    expect(spec.rag?.sourceUploadIds).toEqual(['upl_1']);
    expect(spec.assets).toEqual({ logoUploadId: 'upl_logo' });
  });
});

describe('equals, toJSON and canonicalJson', () => {
  const full: VideoSpecInput = {
    topic: TOPIC,
    context: 'First.\n\nSecond.',
    quality: 'low',
    aspectRatio: '1:1',
    narration: true,
    voice: 'EN-GB',
    language: 'en-GB',
    maxDurationSeconds: 90,
    useRag: true,
    rag: { sourceUploadIds: ['upl_1', 'upl_2', 'upl_1'], topK: 4 },
    assets: { backgroundUploadId: 'upl_bg' },
    configurationId: 'cfg_1',
    callbackUrl: 'https://hooks.example.com/x',
  };

  it('specs built from the same values are equal whatever the key order', () => {
    const reversed = Object.fromEntries(Object.entries(full).reverse()) as VideoSpecInput;
    expect(VideoSpec.equals(valid(full), valid(reversed))).toBe(true);
  });

  it('inputs that normalise to the same value are equal', () => {
    expect(
      VideoSpec.equals(valid({ topic: '  A   topic ' }), valid({ topic: 'A topic', quality: 'medium' })),
    ).toBe(true);
  });

  it.each([
    ['topic', { topic: 'Another topic' }],
    ['quality', { quality: 'high' }],
    ['aspect ratio', { aspectRatio: '9:16' }],
    ['topK', { rag: { sourceUploadIds: ['upl_1', 'upl_2'], topK: 5 } }],
    ['source order', { rag: { sourceUploadIds: ['upl_2', 'upl_1'], topK: 4 } }],
    ['callbackUrl', { callbackUrl: 'https://hooks.example.com/y' }],
  ] as const)('specs differing in %s are not equal', (_label, change) => {
    expect(VideoSpec.equals(valid(full), valid({ ...full, ...change }))).toBe(false);
  });

  it('toJSON is a plain, unfrozen copy', () => {
    const spec = valid(full);
    const json = VideoSpec.toJSON(spec);
    expect(json).toEqual(spec);
    expect(json).not.toBe(spec);
    expect(Object.isFrozen(json)).toBe(false);
  });

  it.each([
    ['a full spec', full],
    ['a minimal spec', { topic: TOPIC }],
  ])('toJSON of %s round-trips through create', (_label, input) => {
    const spec = valid(input);
    const again = valid(VideoSpec.toJSON(spec));
    expect(again).toEqual(spec);
    expect(VideoSpec.equals(again, spec)).toBe(true);
  });

  it('toJSON round-trips through a JSON string too', () => {
    const spec = valid(full);
    const parsed = JSON.parse(JSON.stringify(VideoSpec.toJSON(spec))) as VideoSpecInput;
    expect(VideoSpec.equals(valid(parsed), spec)).toBe(true);
  });

  it('canonicalJson sorts object keys at every depth but keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe('renderSettings', () => {
  it.each([
    ['preview', '16:9', 640, 360, 15, 'ultrafast', 30, 64],
    ['preview', '9:16', 360, 640, 15, 'ultrafast', 30, 64],
    ['preview', '1:1', 360, 360, 15, 'ultrafast', 30, 64],
    ['low', '16:9', 854, 480, 24, 'veryfast', 26, 96],
    ['low', '9:16', 480, 854, 24, 'veryfast', 26, 96],
    ['low', '1:1', 480, 480, 24, 'veryfast', 26, 96],
    ['medium', '16:9', 1280, 720, 30, 'veryfast', 23, 128],
    ['medium', '9:16', 720, 1280, 30, 'veryfast', 23, 128],
    ['medium', '1:1', 720, 720, 30, 'veryfast', 23, 128],
    ['high', '16:9', 1920, 1080, 30, 'fast', 21, 160],
    ['high', '9:16', 1080, 1920, 30, 'fast', 21, 160],
    ['high', '1:1', 1080, 1080, 30, 'fast', 21, 160],
  ] as const)(
    '%s %s = %sx%s@%s',
    (quality, aspectRatio, width, height, fps, preset, crf, audioBitrateKbps) => {
      expect(VideoSpec.renderSettings(valid(withTopic({ quality, aspectRatio })))).toEqual({
        width,
        height,
        fps,
        preset,
        crf,
        audioBitrateKbps,
      });
    },
  );

  it('every width and height is even (required by yuv420p)', () => {
    for (const quality of QUALITIES)
      for (const aspectRatio of ASPECT_RATIOS) {
        const { width, height } = VideoSpec.renderSettings(valid(withTopic({ quality, aspectRatio })));
        expect(width % 2, `${quality} ${aspectRatio} width`).toBe(0);
        expect(height % 2, `${quality} ${aspectRatio} height`).toBe(0);
      }
  });

  it('higher quality never lowers resolution or frame rate', () => {
    for (const aspectRatio of ASPECT_RATIOS) {
      const settings = QUALITIES.map((quality) =>
        VideoSpec.renderSettings(valid(withTopic({ quality, aspectRatio }))),
      );
      for (let i = 1; i < settings.length; i += 1) {
        expect(settings[i]!.width * settings[i]!.height).toBeGreaterThan(
          settings[i - 1]!.width * settings[i - 1]!.height,
        );
        expect(settings[i]!.fps).toBeGreaterThanOrEqual(settings[i - 1]!.fps);
        expect(settings[i]!.crf).toBeLessThan(settings[i - 1]!.crf);
      }
    }
  });
});
