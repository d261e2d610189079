import { describe, expect, it } from 'vitest';
import { InMemoryConfigurationRepository } from '../../../src/adapters/memory/in-memory-configuration-repository.js';
import { InMemoryUploadRepository } from '../../../src/adapters/memory/in-memory-upload-repository.js';
import { CreateConfiguration } from '../../../src/application/create-configuration.js';
import { DeleteConfiguration } from '../../../src/application/delete-configuration.js';
import { GetConfiguration } from '../../../src/application/get-configuration.js';
import { ListConfigurations } from '../../../src/application/list-configurations.js';
import { PrepareVideoSpec } from '../../../src/application/prepare-video-spec.js';
import { ReplaceConfiguration } from '../../../src/application/replace-configuration.js';
import { SubmitVideoJob } from '../../../src/application/submit-video-job.js';
import type { Upload } from '../../../src/domain/upload.js';
import { ALICE, BOB, createApplicationFixture, seqId, T0 } from '../../support/application-fixture.js';

function setup() {
  const f = createApplicationFixture();
  const configurations = new InMemoryConfigurationRepository();
  const uploads = new InMemoryUploadRepository();
  const deps = { configurations, clock: f.clock, ids: f.ids };
  const submit = new SubmitVideoJob({
    jobs: f.jobs,
    activity: f.activity,
    signal: f.signal,
    clock: f.clock,
    ids: f.ids,
    logger: f.logger,
    settings: { maxAttempts: 3 },
    prepareSpec: new PrepareVideoSpec({ configurations, users: f.users, uploads }),
  });
  const addUpload = async (id: string, kind: Upload['kind'], ownerId = ALICE): Promise<void> => {
    (
      await uploads.insert({
        id,
        ownerId,
        storageKey: `test/${ownerId}/uploads/${id}`,
        fileName: id,
        mediaType: kind === 'image' ? 'image/png' : kind === 'audio' ? 'audio/wav' : 'text/markdown',
        kind,
        sizeBytes: 1,
        sha256: '0'.repeat(64),
        purpose: null,
        versionId: null,
        createdAt: T0,
      })
    )._unsafeUnwrap();
  };
  return {
    f,
    configurations,
    uploads,
    submit,
    addUpload,
    create: new CreateConfiguration(deps),
    list: new ListConfigurations(deps),
    get: new GetConfiguration(deps),
    replace: new ReplaceConfiguration(deps),
    remove: new DeleteConfiguration(deps),
  };
}

describe('configuration use cases', () => {
  it('create, get, list, replace and delete, for the owner only', async () => {
    const s = setup();
    const alice = s.f.principal(ALICE);
    const bob = s.f.principal(BOB);
    const created = (
      await s.create.execute({
        principal: alice,
        configuration: { name: 'Shorts', defaults: { aspectRatio: '9:16' } },
      })
    )._unsafeUnwrap();
    expect(created).toEqual({
      id: seqId(1),
      ownerId: ALICE,
      name: 'Shorts',
      description: null,
      defaults: { aspectRatio: '9:16' },
      createdAt: T0,
      updatedAt: T0,
    });
    expect((await s.get.execute({ principal: alice, configurationId: created.id }))._unsafeUnwrap()).toEqual(
      created,
    );
    expect((await s.get.execute({ principal: bob, configurationId: created.id }))._unsafeUnwrapErr()).toEqual(
      {
        type: 'ConfigurationNotFound',
        configurationId: created.id,
      },
    );
    expect((await s.list.execute({ principal: bob, limit: 10 }))._unsafeUnwrap().items).toEqual([]);

    s.f.clock.advance(5000);
    const replaced = (
      await s.replace.execute({
        principal: alice,
        configurationId: created.id,
        configuration: { name: 'Shorts v2', description: 'phones', defaults: { quality: 'low' } },
      })
    )._unsafeUnwrap();
    expect(replaced).toEqual({
      ...created,
      name: 'Shorts v2',
      description: 'phones',
      defaults: { quality: 'low' },
      updatedAt: new Date(T0.getTime() + 5000),
    });
    expect(
      (
        await s.replace.execute({ principal: bob, configurationId: created.id, configuration: { name: 'x' } })
      )._unsafeUnwrapErr().type,
    ).toBe('ConfigurationNotFound');
    expect(
      (await s.remove.execute({ principal: bob, configurationId: created.id }))._unsafeUnwrapErr().type,
    ).toBe('ConfigurationNotFound');
    (await s.remove.execute({ principal: alice, configurationId: created.id }))._unsafeUnwrap();
    expect((await s.list.execute({ principal: alice, limit: 10 }))._unsafeUnwrap().items).toEqual([]);
  });

  it('refuses a duplicate name per owner (not across owners) and invalid defaults', async () => {
    const s = setup();
    (
      await s.create.execute({ principal: s.f.principal(ALICE), configuration: { name: 'Same' } })
    )._unsafeUnwrap();
    expect(
      (
        await s.create.execute({ principal: s.f.principal(ALICE), configuration: { name: 'Same' } })
      )._unsafeUnwrapErr(),
    ).toEqual({ type: 'ConfigurationNameTaken', name: 'Same' });
    (
      await s.create.execute({ principal: s.f.principal(BOB), configuration: { name: 'Same' } })
    )._unsafeUnwrap();
    expect(
      (
        await s.create.execute({
          principal: s.f.principal(ALICE),
          configuration: { name: 'Bad', defaults: { quality: 'ultra' } },
        })
      )._unsafeUnwrapErr(),
    ).toMatchObject({ type: 'InvalidConfiguration', issues: [{ path: 'defaults.quality' }] });
  });
});

describe('SubmitVideoJob merge step', () => {
  it('applies request > configuration > preferences > built-in defaults', async () => {
    const s = setup();
    await s.f.users.upsert({ id: ALICE, email: null, role: 'user', now: T0 });
    await s.f.users.updatePreferences(
      ALICE,
      { defaultQuality: 'preview', defaultAspectRatio: '1:1', defaultVoice: 'de', defaultNarration: false },
      T0,
    );
    const config = (
      await s.create.execute({
        principal: s.f.principal(ALICE),
        configuration: {
          name: 'P',
          defaults: { quality: 'low', aspectRatio: '9:16', maxDurationSeconds: 60 },
        },
      })
    )._unsafeUnwrap();
    const job = (
      await s.submit.execute({
        ownerId: ALICE,
        spec: { topic: 'Tides', quality: 'high', configurationId: config.id },
      })
    )._unsafeUnwrap();
    expect(job.spec).toMatchObject({
      topic: 'Tides',
      quality: 'high', // request
      aspectRatio: '9:16', // configuration
      maxDurationSeconds: 60, // configuration
      voice: 'de', // preference
      narration: false, // preference
      language: 'en', // built-in
      configurationId: config.id,
    });
    expect(await s.f.job(job.id)).toEqual(job);
  });

  it("answers 422 at configurationId for a missing or another user's configuration", async () => {
    const s = setup();
    const bobs = (
      await s.create.execute({
        principal: s.f.principal(BOB),
        configuration: { name: 'B', defaults: { quality: 'low' } },
      })
    )._unsafeUnwrap();
    for (const configurationId of [bobs.id, 'missing'])
      expect(
        (
          await s.submit.execute({ ownerId: ALICE, spec: { topic: 'T', configurationId } })
        )._unsafeUnwrapErr(),
      ).toEqual({
        type: 'InvalidVideoSpec',
        issues: [{ path: 'configurationId', message: 'unknown configuration' }],
      });
    expect((await s.f.jobs.countByStatus())._unsafeUnwrap().queued).toBe(0);
  });

  it('checks that named uploads are the caller’s and of the right kind, with field paths', async () => {
    const s = setup();
    await s.addUpload('doc', 'document');
    await s.addUpload('img', 'image');
    await s.addUpload('snd', 'audio');
    await s.addUpload('bobdoc', 'document', BOB);
    const e = (
      await s.submit.execute({
        ownerId: ALICE,
        spec: {
          topic: 'T',
          useRag: true,
          rag: { sourceUploadIds: ['doc', 'img', 'bobdoc', 'nope'] },
          assets: { logoUploadId: 'snd', backgroundUploadId: 'img', musicUploadId: 'doc' },
        },
      })
    )._unsafeUnwrapErr();
    expect(e.type).toBe('InvalidVideoSpec');
    expect(e.type === 'InvalidVideoSpec' ? e.issues : []).toEqual([
      { path: 'rag.sourceUploadIds.1', message: 'must be a document upload (this one is image/png)' },
      { path: 'rag.sourceUploadIds.2', message: 'unknown upload' },
      { path: 'rag.sourceUploadIds.3', message: 'unknown upload' },
      { path: 'assets.logoUploadId', message: 'must be an image upload (this one is audio/wav)' },
      { path: 'assets.musicUploadId', message: 'must be an audio upload (this one is text/markdown)' },
    ]);
    const ok = (
      await s.submit.execute({
        ownerId: ALICE,
        spec: {
          topic: 'T',
          useRag: true,
          rag: { sourceUploadIds: ['doc'] },
          assets: { logoUploadId: 'img', musicUploadId: 'snd' },
        },
      })
    )._unsafeUnwrap();
    expect(ok.spec.rag).toEqual({ sourceUploadIds: ['doc'], topK: 5 });
  });
});
