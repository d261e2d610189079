import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { mergeSpecLayers, specDefaultsFromPreferences, type SpecDefaults } from '../domain/configuration.js';
import type { FieldIssue, InvalidVideoSpec } from '../domain/errors.js';
import type { Upload, UploadKind } from '../domain/upload.js';
import { VideoSpec, type VideoSpecInput, type VideoSpecProps } from '../domain/video-spec.js';
import type { ConfigurationRepository } from '../ports/configuration-repository.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { UploadRepository } from '../ports/upload-repository.js';
import type { UserRepository } from '../ports/user-repository.js';

/** Which upload kind each spec field that names an upload accepts. */
const ASSET_KINDS = {
  logoUploadId: 'image',
  backgroundUploadId: 'image',
  musicUploadId: 'audio',
} as const satisfies Record<string, UploadKind>;

/**
 * The merge step of job creation (DESIGN §3 `configurationId`): turns a request's spec into the
 * spec to validate, by layering, highest first, the request, the named configuration's defaults
 * and the user's saved preferences (`defaultQuality`, `defaultAspectRatio`, `defaultVoice`,
 * `defaultLanguage`, `narration`) over the built-in defaults; then checks that every upload the
 * spec names is one of the caller's, of a suitable kind (documents for `rag.sourceUploadIds`,
 * images for logo and background, audio for music).
 */
export class PrepareVideoSpec {
  constructor(
    private readonly deps: {
      readonly configurations: ConfigurationRepository;
      readonly users: UserRepository;
      readonly uploads: UploadRepository;
    },
  ) {}

  /**
   * @returns the merged (still untrusted) spec input; `InvalidVideoSpec` at `configurationId`
   *   ("unknown configuration", also for another user's) or at the path of an unsuitable upload
   *   (`rag.sourceUploadIds.0`, `assets.logoUploadId`); `DatabaseUnavailable`. A merged spec that
   *   breaks the VideoSpec rules is returned as is: the caller's validation reports it.
   */
  execute(
    ownerId: string,
    spec: VideoSpecInput,
  ): ResultAsync<VideoSpecInput, InvalidVideoSpec | DatabaseUnavailable> {
    return new ResultAsync(this.run(ownerId, spec));
  }

  private async run(
    ownerId: string,
    spec: VideoSpecInput,
  ): Promise<Result<VideoSpecInput, InvalidVideoSpec | DatabaseUnavailable>> {
    let configured: SpecDefaults = {};
    const configurationId = spec.configurationId;
    if (typeof configurationId === 'string' && configurationId !== '') {
      const found = await this.deps.configurations.findById(configurationId);
      if (found.isErr() && found.error.type === 'DatabaseUnavailable') return err(found.error);
      if (found.isErr() || found.value.ownerId !== ownerId)
        return err(invalid([{ path: 'configurationId', message: 'unknown configuration' }]));
      configured = found.value.defaults;
    }
    const user = await this.deps.users.findById(ownerId);
    if (user.isErr()) return err(user.error);
    const preferred = specDefaultsFromPreferences(user.value?.preferences ?? {});
    const merged = mergeSpecLayers(spec, configured, preferred);

    const valid = VideoSpec.create(merged);
    if (valid.isErr()) return ok(merged);
    const issues = await this.checkUploads(ownerId, valid.value);
    if (issues.isErr()) return err(issues.error);
    return issues.value.length > 0 ? err(invalid(issues.value)) : ok(merged);
  }

  private async checkUploads(
    ownerId: string,
    spec: VideoSpecProps,
  ): Promise<Result<FieldIssue[], DatabaseUnavailable>> {
    const named: { path: string; id: string; kind: UploadKind }[] = [
      ...(spec.rag?.sourceUploadIds ?? []).map((id, i) => ({
        path: `rag.sourceUploadIds.${i}`,
        id,
        kind: 'document' as const,
      })),
      ...Object.entries(ASSET_KINDS).flatMap(([field, kind]) => {
        const id = spec.assets?.[field as keyof typeof ASSET_KINDS];
        return id === undefined ? [] : [{ path: `assets.${field}`, id, kind }];
      }),
    ];
    if (named.length === 0) return ok([]);
    const found = await this.deps.uploads.findByIds(named.map((n) => n.id));
    if (found.isErr()) return err(found.error);
    const byId = new Map<string, Upload>(found.value.map((u) => [u.id, u]));
    const issues: FieldIssue[] = [];
    for (const n of named) {
      const upload = byId.get(n.id);
      if (upload === undefined || upload.ownerId !== ownerId)
        issues.push({ path: n.path, message: 'unknown upload' });
      else if (upload.kind !== n.kind)
        issues.push({
          path: n.path,
          message: `must be ${n.kind === 'document' ? 'a' : 'an'} ${n.kind} upload (this one is ${upload.mediaType})`,
        });
    }
    return ok(issues);
  }
}

const invalid = (issues: readonly FieldIssue[]): InvalidVideoSpec => ({ type: 'InvalidVideoSpec', issues });
