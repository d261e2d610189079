import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  AbortMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createS3Client, S3ObjectStorage } from '../../../src/adapters/s3/s3-object-storage.js';
import {
  createS3ResiliencePolicy,
  type S3ResilienceOptions,
} from '../../../src/adapters/s3/s3-resilience.js';
import type { ResiliencePolicy } from '../../../src/adapters/resilience/resilience-policy.js';
import { bytesOf, readAll, streamOf, unwrap } from '../../contract/object-storage.contract.js';

const ACCESS_KEY_ID = 'AKIAFRAMECASTTEST1234';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYframecastSECRET';

const s3Error = (name: string, status: number, message = `${name} (simulated)`): S3ServiceException =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });

const headOk = {
  ContentLength: 3,
  ContentType: 'text/plain',
  ETag: '"abc"',
  LastModified: new Date('2026-01-01T00:00:00Z'),
};

describe('S3ObjectStorage under injected faults (aws-sdk-client-mock)', () => {
  let client: S3Client;
  let s3: AwsClientStub<S3Client>;

  beforeEach(() => {
    client = createS3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
    });
    s3 = mockClient(client);
  });

  afterEach(() => {
    s3.restore();
    client.destroy();
  });

  const make = (
    resilience: S3ResilienceOptions = {},
    extra: { multipartThresholdBytes?: number; partSizeBytes?: number } = {},
  ): { storage: S3ObjectStorage; policy: ResiliencePolicy } => {
    const policy = createS3ResiliencePolicy({
      timeoutMs: 1_000,
      retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
      ...resilience,
    });
    const storage = new S3ObjectStorage({
      bucket: 'media',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
      client,
      resilience: policy,
      ...extra,
    });
    return { storage, policy };
  };

  it('retries 503 SlowDown and succeeds on the third attempt', async () => {
    s3.on(HeadObjectCommand)
      .rejectsOnce(s3Error('SlowDown', 503, 'Please reduce your request rate.'))
      .rejectsOnce(s3Error('SlowDown', 503, 'Please reduce your request rate.'))
      .resolves(headOk);
    const { storage, policy } = make();
    const info = unwrap(await storage.head('dev/o/j/video.mp4'));
    expect(info).toMatchObject({
      key: 'dev/o/j/video.mp4',
      size: 3,
      etag: '"abc"',
      contentType: 'text/plain',
    });
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(3);
    expect(policy.state()).toMatchObject({
      circuit: 'closed',
      consecutiveFailures: 0,
      counts: { calls: 1, successes: 1, failures: 0, retries: 2 },
    });
  });

  it('gives up after maxAttempts with a retryable StorageUnavailable', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('InternalError', 500));
    const { storage } = make({ retry: { maxAttempts: 2, initialDelayMs: 1 } });
    const error = (await storage.head('a/b'))._unsafeUnwrapErr();
    expect(error).toMatchObject({ type: 'StorageUnavailable', retryable: true });
    expect(error.type === 'StorageUnavailable' && error.message).toContain('InternalError');
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(2);
  });

  it('does not retry 403 AccessDenied (exactly one call) and does not count it against the breaker', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    const { storage, policy } = make({
      breaker: { kind: 'consecutive', failures: 1, halfOpenAfterMs: 60_000 },
    });
    const error = (await storage.get('dev/o/j/video.mp4'))._unsafeUnwrapErr();
    expect(error).toMatchObject({ type: 'StorageUnavailable', retryable: false });
    expect(error.type === 'StorageUnavailable' && error.message).toMatch(/AccessDenied \(HTTP 403\)/);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(policy.state()).toMatchObject({ circuit: 'closed', consecutiveFailures: 0 });
  });

  it('maps NoSuchKey and a bodiless 404 NotFound to ObjectNotFound, without retrying', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404, 'The specified key does not exist.'));
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404, 'UnknownError'));
    const { storage } = make();
    expect((await storage.get('a/b'))._unsafeUnwrapErr()).toEqual({ type: 'ObjectNotFound', key: 'a/b' });
    expect((await storage.head('a/b'))._unsafeUnwrapErr()).toEqual({ type: 'ObjectNotFound', key: 'a/b' });
    expect(s3.calls()).toHaveLength(2);
  });

  it('opens the breaker after repeated failures, fails fast without calling S3, then half-opens and closes', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('ServiceUnavailable', 503));
    const { storage, policy } = make({
      retry: { maxAttempts: 1 },
      breaker: { kind: 'consecutive', failures: 3, halfOpenAfterMs: 300 },
    });
    for (let i = 0; i < 3; i++) {
      expect((await storage.head('a/b'))._unsafeUnwrapErr()).toMatchObject({ retryable: true });
    }
    expect(s3.calls()).toHaveLength(3);
    expect(policy.state()).toMatchObject({ circuit: 'open', consecutiveFailures: 3 });

    const fast = (await storage.head('a/b'))._unsafeUnwrapErr();
    expect(fast).toMatchObject({ type: 'StorageUnavailable', retryable: true });
    expect(fast.type === 'StorageUnavailable' && fast.message).toContain('circuit open');
    expect(s3.calls()).toHaveLength(3); // S3 was not called
    expect(policy.state().counts.rejected).toBe(1);

    await sleep(350);
    expect(policy.state().circuit).toBe('half-open');
    s3.on(HeadObjectCommand).resolves(headOk);
    unwrap(await storage.head('a/b'));
    expect(s3.calls()).toHaveLength(4);
    expect(policy.state()).toMatchObject({ circuit: 'closed', consecutiveFailures: 0, openedAt: null });
  });

  it('re-opens the breaker when the half-open trial fails', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('SlowDown', 503));
    const { storage, policy } = make({
      retry: { maxAttempts: 1 },
      breaker: { kind: 'consecutive', failures: 2, halfOpenAfterMs: 100 },
    });
    await storage.head('a/b');
    await storage.head('a/b');
    expect(policy.state().circuit).toBe('open');
    await sleep(130);
    expect((await storage.head('a/b'))._unsafeUnwrapErr()).toMatchObject({ retryable: true });
    expect(s3.calls()).toHaveLength(3); // the trial reached S3
    expect(policy.state().circuit).toBe('open');
  });

  it('times out a hung call with a retryable StorageUnavailable, once per attempt', async () => {
    s3.on(HeadObjectCommand).callsFake(() => new Promise(() => undefined));
    const { storage, policy } = make({ timeoutMs: 100, retry: { maxAttempts: 2, initialDelayMs: 1 } });
    const started = Date.now();
    const error = (await storage.head('a/b'))._unsafeUnwrapErr();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ type: 'StorageUnavailable', retryable: true });
    expect(error.type === 'StorageUnavailable' && error.message).toContain('no answer within 100 ms');
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(2);
    expect(policy.state().counts.timeouts).toBe(2);
  });

  it('never puts credentials in error messages', async () => {
    s3.on(HeadObjectCommand).rejects(
      s3Error(
        'InvalidAccessKeyId',
        403,
        `The AWS Access Key Id ${ACCESS_KEY_ID} you provided does not exist; secret ${SECRET}; ` +
          `https://h/x?X-Amz-Credential=${ACCESS_KEY_ID}%2F2026&X-Amz-Signature=deadbeef`,
      ),
    );
    const { storage } = make();
    const error = (await storage.head('a/b'))._unsafeUnwrapErr();
    const message = error.type === 'StorageUnavailable' ? error.message : '';
    expect(message).toContain('InvalidAccessKeyId');
    expect(message).not.toContain(ACCESS_KEY_ID);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('deadbeef');
  });

  it('records the version id a versioned bucket returns', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e1"', VersionId: 'v-123' });
    s3.on(HeadObjectCommand).resolves({ ...headOk, VersionId: 'v-123' });
    const { storage } = make();
    const info = unwrap(
      await storage.putStream('a/b', streamOf(Buffer.from('abc')), { contentType: 'text/plain' }),
    );
    expect(info).toMatchObject({ etag: '"e1"', versionId: 'v-123', size: 3 });
    expect(unwrap(await storage.head('a/b')).versionId).toBe('v-123');
  });

  it('retries a small put with the whole body each time', async () => {
    const bodies: Buffer[] = [];
    s3.on(PutObjectCommand)
      .callsFakeOnce(async (input: { Body: Buffer }) => {
        bodies.push(Buffer.from(input.Body));
        throw s3Error('SlowDown', 503);
      })
      .callsFake(async (input: { Body: Buffer }) => {
        bodies.push(Buffer.from(input.Body));
        return { ETag: '"e2"' };
      });
    const { storage } = make();
    const bytes = bytesOf(10_000);
    unwrap(await storage.putStream('a/b', streamOf(bytes), { contentType: 'x/y' }));
    expect(bodies).toHaveLength(2);
    expect(bodies.every((b) => b.equals(bytes))).toBe(true);
  });

  it('retries a failed part of a multipart upload, not the whole upload', async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    const parts: number[] = [];
    let failedOnce = false;
    s3.on(UploadPartCommand).callsFake(async (input: { PartNumber: number }) => {
      parts.push(input.PartNumber);
      if (input.PartNumber === 2 && !failedOnce) {
        failedOnce = true;
        throw s3Error('InternalError', 500);
      }
      return { ETag: `"p${input.PartNumber}"` };
    });
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"whole-3"' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    const { storage } = make(
      {},
      { multipartThresholdBytes: 5 * 1024 * 1024, partSizeBytes: 5 * 1024 * 1024 },
    );
    const bytes = bytesOf(12 * 1024 * 1024, 9);
    const seen: number[] = [];
    const info = unwrap(
      await storage.putStream('dev/o/j/video.mp4', streamOf(bytes, 256 * 1024), {
        contentType: 'video/mp4',
        onProgress: (n) => seen.push(n),
      }),
    );
    expect(info).toMatchObject({ size: bytes.length, etag: '"whole-3"', contentType: 'video/mp4' });
    expect(parts.sort()).toEqual([1, 2, 2, 3]);
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
    expect(seen.at(-1)).toBe(bytes.length);
  });

  it('reports a failing body stream as not retryable, and aborts the multipart upload', async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-2' });
    s3.on(UploadPartCommand).resolves({ ETag: '"p"' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    const { storage } = make({}, { multipartThresholdBytes: 1024, partSizeBytes: 5 * 1024 * 1024 });
    const body = Readable.from(
      (async function* () {
        yield bytesOf(6 * 1024 * 1024);
        throw new Error('client went away');
      })(),
    );
    const error = (await storage.putStream('a/b', body, { contentType: 'x/y' }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ type: 'StorageUnavailable', retryable: false });
    expect(error.message).toContain('client went away');
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
  });

  it('lists every page and deletes a prefix in batches of 1000', async () => {
    const keys = Array.from({ length: 1500 }, (_, i) => `dev/o/${String(1499 - i).padStart(4, '0')}`);
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: keys.slice(0, 1000).map((Key) => ({ Key })),
        IsTruncated: true,
        NextContinuationToken: 't1',
      })
      .resolvesOnce({ Contents: keys.slice(1000).map((Key) => ({ Key })), IsTruncated: false })
      .resolvesOnce({
        Contents: keys.slice(0, 1000).map((Key) => ({ Key })),
        IsTruncated: true,
        NextContinuationToken: 't1',
      })
      .resolvesOnce({ Contents: keys.slice(1000).map((Key) => ({ Key })), IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});
    const { storage } = make();
    const listed = unwrap(await storage.list('dev/o/'));
    expect(listed).toHaveLength(1500);
    expect(listed).toEqual([...keys].sort());
    expect(s3.commandCalls(ListObjectsV2Command)[1]!.args[0].input.ContinuationToken).toBe('t1');

    expect(unwrap(await storage.deletePrefix('dev/o/'))).toBe(1500);
    const batches = s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete?.Objects?.length);
    expect(batches).toEqual([1000, 500]);
  });

  it('fails deletePrefix when DeleteObjects reports per-key errors', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'p/a' }, { Key: 'p/b' }], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: 'p/b', Code: 'AccessDenied', Message: 'Access Denied' }],
    });
    const { storage } = make();
    const error = (await storage.deletePrefix('p/'))._unsafeUnwrapErr();
    expect(error).toMatchObject({ type: 'StorageUnavailable', retryable: false });
    expect(error.message).toContain('AccessDenied');
  });

  it('passes the resolved range through and reports the served range and full size', async () => {
    s3.on(GetObjectCommand).resolves({
      Body: Readable.from([Buffer.from('3456')]) as never,
      ContentRange: 'bytes 3-6/10',
      ContentLength: 4,
      ETag: '"abc"',
      ContentType: 'text/plain',
    });
    const { storage } = make();
    const body = unwrap(await storage.get('a/b', { start: 3, end: 6 }));
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input.Range).toBe('bytes=3-6');
    expect(body.range).toEqual({ start: 3, end: 6 });
    expect(body.info.size).toBe(10);
    expect((await readAll(body.stream)).toString()).toBe('3456');
  });

  it('answers a 416 (range past the end) as retryable StorageUnavailable', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('InvalidRange', 416, 'The requested range is not satisfiable'));
    const { storage } = make();
    const error = (await storage.get('a/b', { start: 100, end: 200 }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ type: 'StorageUnavailable', retryable: true });
    expect(s3.calls()).toHaveLength(1);
  });
});
