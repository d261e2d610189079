import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InMemoryUploadRepository } from '../../../src/adapters/memory/in-memory-upload-repository.js';
import { Bm25PassageRetriever } from '../../../src/adapters/rag/bm25-passage-retriever.js';
import { ALICE, createApplicationFixture, T0 } from '../../support/application-fixture.js';

const DOC = [
  '# Ocean notes',
  'Photosynthesis happens in leaves: chlorophyll turns light, water and carbon dioxide into sugar.',
  'Tides are caused mostly by the Moon. Its gravity pulls the oceans toward it, so the water rises and falls twice a day.',
  'Volcanoes erupt where magma reaches the surface.',
].join('\n\n');

async function setup() {
  const f = createApplicationFixture();
  const uploads = new InMemoryUploadRepository();
  const retriever = new Bm25PassageRetriever({ uploads, storage: f.storage });
  const key = `test/${ALICE}/uploads/doc-1`;
  (
    await f.storage.putStream(key, Readable.from([Buffer.from(DOC)]), { contentType: 'text/markdown' })
  )._unsafeUnwrap();
  (
    await uploads.insert({
      id: 'doc-1',
      ownerId: ALICE,
      storageKey: key,
      fileName: 'ocean.md',
      mediaType: 'text/markdown',
      kind: 'document',
      sizeBytes: DOC.length,
      sha256: 'a'.repeat(64),
      purpose: 'document',
      versionId: null,
      createdAt: T0,
    })
  )._unsafeUnwrap();
  const worker = f.makeProcessNextJob({ retriever });
  return { f, uploads, worker, key };
}

const ragSpec = (topK = 1, ids = ['doc-1']) => ({
  topic: 'Why do tides happen?',
  context: 'The sea level changes during the day.',
  useRag: true,
  rag: { sourceUploadIds: ids, topK },
});

describe('ProcessNextJob with RAG', () => {
  it('plans a source scene with the most relevant passage and logs what it retrieved', async () => {
    const { f, worker } = await setup();
    const job = await f.submit({ spec: ragSpec(1) });
    const outcome = await worker.execute({ workerId: 'w', shutdown: new AbortController().signal });
    expect(outcome).toMatchObject({ kind: 'completed', jobId: job.id });
    const storyboard = f.renderer.requests[0]?.storyboard;
    const sources = storyboard?.scenes.filter((s) => s.kind === 'source') ?? [];
    expect(sources).toHaveLength(1);
    expect(sources[0]?.body).toContain('Tides are caused mostly by the Moon');
    expect(sources[0]?.heading).toBe('From your sources');
    const events = await f.eventsOf(job.id);
    expect(events).toContainEqual(
      expect.objectContaining({
        stage: 'planning',
        level: 'info',
        message: 'Retrieved 1 passage(s) from 1 document(s)',
      }),
    );
  });

  it('does not retrieve when useRag is false, even with rag options', async () => {
    const { f, worker } = await setup();
    await f.submit({ spec: { ...ragSpec(1, ['missing']), useRag: false } });
    expect(await worker.execute({ workerId: 'w', shutdown: new AbortController().signal })).toMatchObject({
      kind: 'completed',
    });
    expect(f.renderer.requests[0]?.storyboard.scenes.some((s) => s.kind === 'source')).toBe(false);
  });

  it('fails the job permanently when a source upload is gone, with an event saying why', async () => {
    const { f, worker, uploads } = await setup();
    const job = await f.submit({ spec: ragSpec() });
    (await uploads.delete('doc-1'))._unsafeUnwrap();
    expect(await worker.execute({ workerId: 'w', shutdown: new AbortController().signal })).toMatchObject({
      kind: 'failed',
    });
    const failed = await f.job(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({
      code: 'RETRIEVAL_FAILED',
      message: 'upload doc-1 no longer exists',
      retryable: false,
    });
    expect(f.renderer.requests).toHaveLength(0);
    expect(await f.eventsOf(job.id)).toContainEqual(
      expect.objectContaining({
        stage: 'planning',
        level: 'error',
        message: 'Retrieval failed: upload doc-1 no longer exists',
        data: { attempt: 1, uploadId: 'doc-1', retryable: false },
      }),
    );
  });

  it('retries the attempt when storage is down (retryable)', async () => {
    const { f, worker } = await setup();
    const job = await f.submit({ spec: ragSpec() });
    f.storage.simulateOutage({ type: 'StorageUnavailable', message: 'S3 503', retryable: true });
    expect(await worker.execute({ workerId: 'w', shutdown: new AbortController().signal })).toMatchObject({
      kind: 'retrying',
    });
    f.storage.simulateOutage(null);
    const retried = await f.job(job.id);
    expect(retried).toMatchObject({
      status: 'queued',
      attempts: 1,
      error: { code: 'RETRIEVAL_FAILED', retryable: true },
    });
  });

  it('fails permanently when no retriever is configured', async () => {
    const f = createApplicationFixture();
    const job = await f.submit({ spec: ragSpec() });
    expect(await f.process()).toMatchObject({ kind: 'failed' });
    expect((await f.job(job.id)).error).toEqual({
      code: 'RETRIEVAL_FAILED',
      message: 'no passage retriever is configured',
      retryable: false,
    });
  });
});
