import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStorage, type S3ObjectStorageOptions } from '../../../src/adapters/s3/s3-object-storage.js';
import { createS3ResiliencePolicy } from '../../../src/adapters/s3/s3-resilience.js';
import { bytesOf, readAll, streamOf, unwrap } from '../../contract/object-storage.contract.js';
import { startS3Server, type S3TestServer } from '../../support/s3rver.js';

const MIB = 1024 * 1024;
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A TCP port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('S3ObjectStorage on an S3-compatible server', () => {
  let s3: S3TestServer;
  let dir: string;

  beforeAll(async () => {
    s3 = await startS3Server();
    dir = await mkdtemp(join(tmpdir(), 'framecast-s3-it-'));
  });

  afterAll(async () => {
    await s3?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const storageFor = (options: Partial<S3ObjectStorageOptions> = {}): S3ObjectStorage =>
    new S3ObjectStorage({
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
      resilience: createS3ResiliencePolicy({
        timeoutMs: 5_000,
        retry: { maxAttempts: 2, initialDelayMs: 20 },
      }),
      ...options,
    });

  describe('multipart upload above the threshold', () => {
    const size = 12 * MIB;
    const bytes = bytesOf(size, 42);

    it('streams 12 MiB with a 5 MiB threshold: progress reaches the size, bytes intact', async () => {
      const client = s3.client();
      const commands: string[] = [];
      client.middlewareStack.add(
        (next, context) => (args) => {
          commands.push(String(context.commandName));
          return next(args);
        },
        { step: 'initialize' },
      );
      const storage = storageFor({ client, multipartThresholdBytes: 5 * MIB, partSizeBytes: 5 * MIB });
      const seen: number[] = [];
      const info = unwrap(
        await storage.putStream('it/multipart/stream.bin', streamOf(bytes, 256 * 1024), {
          contentType: 'video/mp4',
          onProgress: (n) => seen.push(n),
        }),
      );
      expect(info).toMatchObject({ key: 'it/multipart/stream.bin', size, contentType: 'video/mp4' });
      // s3rver's ETag of a multipart object is the MD5 of the whole (S3's is "<md5 of md5s>-3").
      expect(info.etag).toMatch(/^"[^"]+"$/);
      expect(commands.sort()).toEqual([
        'CompleteMultipartUploadCommand',
        'CreateMultipartUploadCommand',
        'UploadPartCommand',
        'UploadPartCommand',
        'UploadPartCommand', // 5 + 5 + 2 MiB
      ]);
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen.at(-1)).toBe(size);
      expect(seen.every((n, i) => i === 0 || n > seen[i - 1]!)).toBe(true);

      const head = unwrap(await storage.head('it/multipart/stream.bin'));
      expect(head).toMatchObject({ size, contentType: 'video/mp4', etag: info.etag });
      const body = unwrap(await storage.get('it/multipart/stream.bin'));
      expect(sha256(await readAll(body.stream))).toBe(sha256(bytes));
      const tail = unwrap(
        await storage.get('it/multipart/stream.bin', { start: size - 10, end: size + 100 }),
      );
      expect(tail.range).toEqual({ start: size - 10, end: size - 1 });
      expect((await readAll(tail.stream)).equals(bytes.subarray(size - 10))).toBe(true);
    });

    it('uploads a 12 MiB file in 8 MiB parts (the default part size)', async () => {
      const file = join(dir, 'big.bin');
      await writeFile(file, bytes);
      const storage = storageFor({ multipartThresholdBytes: 5 * MIB });
      const seen: number[] = [];
      const info = unwrap(
        await storage.putFile('it/multipart/file.bin', file, {
          contentType: 'application/octet-stream',
          onProgress: (n) => seen.push(n),
        }),
      );
      expect(info.size).toBe(size);
      // Progress after each part (parts go in parallel: 8 then 12 MiB, or 4 then 12 MiB).
      expect(seen).toHaveLength(2);
      expect([4 * MIB, 8 * MIB]).toContain(seen[0]);
      expect(seen.at(-1)).toBe(size);
      const body = unwrap(await storage.get('it/multipart/file.bin'));
      expect(sha256(await readAll(body.stream))).toBe(sha256(bytes));
    });
  });

  describe('presigned URLs', () => {
    it('serves the same bytes through a presigned GET, and an expired one fails', async () => {
      const storage = storageFor();
      const bytes = bytesOf(50_000, 5);
      unwrap(await storage.putStream('it/presign/get.bin', streamOf(bytes), { contentType: 'image/png' }));
      const shortLived = unwrap(await storage.presignGet('it/presign/get.bin', 1));
      const url = unwrap(await storage.presignGet('it/presign/get.bin', 60));
      expect(url).toMatch(/X-Amz-Signature=/);

      const response = await fetch(url!);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);

      await sleep(2_100);
      const expired = await fetch(shortLived!);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('expired');
    });

    it('accepts a direct upload through a presigned PUT', async () => {
      const storage = storageFor();
      const bytes = bytesOf(30_000, 6);
      const url = unwrap(await storage.presignPut('it/presign/put.bin', 'audio/mpeg', 60));
      const response = await fetch(url, {
        method: 'PUT',
        body: bytes,
        headers: { 'content-type': 'audio/mpeg' },
      });
      expect(response.status).toBe(200);
      expect(unwrap(await storage.head('it/presign/put.bin'))).toMatchObject({
        size: bytes.length,
        contentType: 'audio/mpeg',
      });
      const body = unwrap(await storage.get('it/presign/put.bin'));
      expect((await readAll(body.stream)).equals(bytes)).toBe(true);
    });

    it('refuses an expiry out of range (programmer error)', () => {
      const storage = storageFor();
      expect(() => storage.presignGet('a/b', 0)).toThrow(RangeError);
      expect(() => storage.presignPut('a/b', 'x/y', 8 * 24 * 3600)).toThrow(RangeError);
    });
  });

  describe('ensureBucket', () => {
    it('passes for an existing bucket', async () => {
      unwrap(await storageFor().ensureBucket());
    });

    it('names the bucket and the endpoint when the bucket is missing (not retryable)', async () => {
      const bucket = s3.uniqueBucketName('missing');
      const error = (await storageFor({ bucket }).ensureBucket())._unsafeUnwrapErr();
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(`"${bucket}"`);
      expect(error.message).toContain(s3.endpoint);
      expect(error.message).toContain('does not exist');
      expect(error.message).not.toContain(s3.credentials.secretAccessKey);
    });

    it('creates a missing bucket when createBucketIfMissing is set', async () => {
      const bucket = s3.uniqueBucketName('created');
      const storage = storageFor({ bucket, createBucketIfMissing: true });
      try {
        unwrap(await storage.ensureBucket());
        unwrap(await storage.ensureBucket()); // idempotent
        unwrap(await storage.check());
      } finally {
        await s3.dropBucket(bucket);
      }
    });

    it('names the endpoint when it is unreachable (retryable)', async () => {
      const endpoint = `http://127.0.0.1:${await closedPort()}`;
      const storage = storageFor({
        endpoint,
        resilience: createS3ResiliencePolicy({ timeoutMs: 2_000, retry: { maxAttempts: 1 } }),
      });
      const error = (await storage.ensureBucket())._unsafeUnwrapErr();
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(`cannot reach S3 bucket "${s3.bucket}" at ${endpoint}`);
      expect(error.message).toContain('ECONNREFUSED');
    });
  });

  it('keeps streaming a GetObject body after the per-call timeout (it covers only the headers)', async () => {
    const storage = storageFor({
      resilience: createS3ResiliencePolicy({ timeoutMs: 300, retry: { maxAttempts: 1 } }),
    });
    const bytes = bytesOf(3 * MIB, 8);
    unwrap(
      await storage.putStream('it/slow-reader.bin', streamOf(bytes, 256 * 1024), { contentType: 'x/y' }),
    );
    const body = unwrap(await storage.get('it/slow-reader.bin'));
    await sleep(500); // longer than the timeout before the first read
    const chunks: Buffer[] = [];
    for await (const chunk of body.stream) {
      chunks.push(chunk as Buffer);
      if (chunks.length === 2) await sleep(200);
    }
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(bytes));
  });

  it('records no versionId on an unversioned bucket', async () => {
    const storage = storageFor();
    const info = unwrap(
      await storage.putStream('it/unversioned', streamOf(bytesOf(10)), { contentType: 'x/y' }),
    );
    expect(info.versionId).toBeUndefined();
    expect(unwrap(await storage.head('it/unversioned')).versionId).toBeUndefined();
  });

  it('answers StorageUnavailable while the server is stopped, then recovers on restart', async (context) => {
    if (s3.external) context.skip();
    const policy = createS3ResiliencePolicy({
      timeoutMs: 2_000,
      retry: { maxAttempts: 2, initialDelayMs: 20 },
      breaker: { kind: 'consecutive', failures: 10, halfOpenAfterMs: 500 },
    });
    const storage = storageFor({ resilience: policy });
    unwrap(await storage.putStream('it/restart.bin', streamOf(bytesOf(1000, 3)), { contentType: 'x/y' }));
    unwrap(await storage.head('it/restart.bin')); // leaves a pooled keep-alive connection

    await s3.suspend();
    try {
      const down = (await storage.head('it/restart.bin'))._unsafeUnwrapErr();
      expect(down).toMatchObject({ type: 'StorageUnavailable', retryable: true });
      expect((await storage.check())._unsafeUnwrapErr()).toMatchObject({ retryable: true });
      expect(policy.state().consecutiveFailures).toBeGreaterThanOrEqual(2);
    } finally {
      await s3.resume();
    }

    const info = unwrap(await storage.head('it/restart.bin'));
    expect(info.size).toBe(1000);
    unwrap(await storage.check());
    expect(policy.state()).toMatchObject({ circuit: 'closed', consecutiveFailures: 0 });
  });
});
