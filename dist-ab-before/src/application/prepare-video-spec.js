import { err, ok, ResultAsync } from 'neverthrow';
import { mergeSpecLayers, specDefaultsFromPreferences } from '../domain/configuration.js';
import { VideoSpec } from '../domain/video-spec.js';
/** Which upload kind each spec field that names an upload accepts. */
const ASSET_KINDS = {
    logoUploadId: 'image',
    backgroundUploadId: 'image',
    musicUploadId: 'audio',
};
/**
 * The merge step of job creation (DESIGN §3 `configurationId`): turns a request's spec into the
 * spec to validate, by layering, highest first, the request, the named configuration's defaults
 * and the user's saved preferences (`defaultQuality`, `defaultAspectRatio`, `defaultVoice`,
 * `defaultLanguage`, `narration`) over the built-in defaults; then checks that every upload the
 * spec names is one of the caller's, of a suitable kind (documents for `rag.sourceUploadIds`,
 * images for logo and background, audio for music).
 */
export class PrepareVideoSpec {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /**
     * @returns the merged (still untrusted) spec input; `InvalidVideoSpec` at `configurationId`
     *   ("unknown configuration", also for another user's) or at the path of an unsuitable upload
     *   (`rag.sourceUploadIds.0`, `assets.logoUploadId`); `DatabaseUnavailable`. A merged spec that
     *   breaks the VideoSpec rules is returned as is: the caller's validation reports it.
     */
    execute(ownerId, spec) {
        return new ResultAsync(this.run(ownerId, spec));
    }
    async run(ownerId, spec) {
        let configured = {};
        const configurationId = spec.configurationId;
        if (typeof configurationId === 'string' && configurationId !== '') {
            const found = await this.deps.configurations.findById(configurationId);
            if (found.isErr() && found.error.type === 'DatabaseUnavailable')
                return err(found.error);
            if (found.isErr() || found.value.ownerId !== ownerId)
                return err(invalid([{ path: 'configurationId', message: 'unknown configuration' }]));
            configured = found.value.defaults;
        }
        const user = await this.deps.users.findById(ownerId);
        if (user.isErr())
            return err(user.error);
        const preferred = specDefaultsFromPreferences(user.value?.preferences ?? {});
        const merged = mergeSpecLayers(spec, configured, preferred);
        const valid = VideoSpec.create(merged);
        if (valid.isErr())
            return ok(merged);
        const issues = await this.checkUploads(ownerId, valid.value);
        if (issues.isErr())
            return err(issues.error);
        return issues.value.length > 0 ? err(invalid(issues.value)) : ok(merged);
    }
    async checkUploads(ownerId, spec) {
        const named = [
            ...(spec.rag?.sourceUploadIds ?? []).map((id, i) => ({
                path: `rag.sourceUploadIds.${i}`,
                id,
                kind: 'document',
            })),
            ...Object.entries(ASSET_KINDS).flatMap(([field, kind]) => {
                const id = spec.assets?.[field];
                return id === undefined ? [] : [{ path: `assets.${field}`, id, kind }];
            }),
        ];
        if (named.length === 0)
            return ok([]);
        const found = await this.deps.uploads.findByIds(named.map((n) => n.id));
        if (found.isErr())
            return err(found.error);
        const byId = new Map(found.value.map((u) => [u.id, u]));
        const issues = [];
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
const invalid = (issues) => ({ type: 'InvalidVideoSpec', issues });
//# sourceMappingURL=prepare-video-spec.js.map