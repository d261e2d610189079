import { randomBytes } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { createS3Client } from '../../src/adapters/s3/s3-object-storage.js';

/** An S3-compatible server for tests: a private s3rver on loopback, or the one named by env. */
export interface S3TestServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  /** A bucket that exists on the server. */
  readonly bucket: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** `true` when the server came from `S3_ENDPOINT` + `S3_BUCKET` (it cannot be stopped by the test). */
  readonly external: boolean;
  /** A client for this server (path style, no SDK retries, checksums only when required). */
  client(): S3Client;
  /** A fresh bucket name, unique in this run (3–63 lowercase characters). */
  uniqueBucketName(label: string): string;
  /** Deletes every object of `bucket` and the bucket itself; ignores a missing bucket. */
  dropBucket(bucket: string): Promise<void>;
  /**
   * Local s3rver only: stops listening (data kept) until {@link S3TestServer.resume}, which listens
   * again on the same port. Throws for an external server.
   */
  suspend(): Promise<void>;
  resume(): Promise<void>;
  /** Stops the server and removes its directory (external: only closes the helper's client). */
  stop(): Promise<void>;
}

const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Starts s3rver on 127.0.0.1 with a free port and a temp directory, with one bucket
 * (`framecast-test` unless `bucket` is given). When `S3_ENDPOINT` and `S3_BUCKET` are set, uses
 * that server instead (credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, region from
 * `S3_REGION`, default `us-east-1`). Start-up takes ~50 ms.
 */
export async function startS3Server(options: { readonly bucket?: string } = {}): Promise<S3TestServer> {
  const envEndpoint = process.env['S3_ENDPOINT'];
  const envBucket = process.env['S3_BUCKET'];
  if (envEndpoint && envBucket) {
    const accessKeyId = process.env['AWS_ACCESS_KEY_ID'];
    const secretAccessKey = process.env['AWS_SECRET_ACCESS_KEY'];
    return makeServer({
      endpoint: envEndpoint.replace(/\/+$/, ''),
      bucket: envBucket,
      region: process.env['S3_REGION'] ?? 'us-east-1',
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : S3RVER_CREDENTIALS,
      external: true,
      suspend: () => Promise.reject(new Error('an external S3 server (S3_ENDPOINT) cannot be suspended')),
      resume: () => Promise.reject(new Error('an external S3 server (S3_ENDPOINT) cannot be resumed')),
      stop: () => Promise.resolve(),
    });
  }

  const bucket = options.bucket ?? 'framecast-test';
  const directory = await mkdtemp(join(tmpdir(), 'framecast-s3rver-'));
  const launch = async (port: number): Promise<{ server: S3rver; port: number }> => {
    const server = new S3rver({
      address: '127.0.0.1',
      port,
      directory,
      silent: true,
      configureBuckets: [{ name: bucket, configs: [] }],
    });
    serializeWrites(server);
    const address = await server.run();
    return { server, port: address.port };
  };
  let running: S3rver | null;
  const first = await launch(0);
  running = first.server;
  const port = first.port;
  const close = async (): Promise<void> => {
    const server = running;
    running = null;
    if (server !== null) await server.close();
  };
  return makeServer({
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    credentials: S3RVER_CREDENTIALS,
    external: false,
    suspend: close,
    resume: async () => {
      if (running !== null) return;
      running = (await launch(port)).server;
    },
    stop: async () => {
      await close();
      await rm(directory, { recursive: true, force: true });
    },
  });
}

type Store = Record<'deleteObject' | 'putObject', (...args: never[]) => Promise<unknown>>;

/**
 * Works around two s3rver 3.7.1 gaps so that tests are deterministic (S3 has neither):
 * - DeleteObjects deletes its keys in parallel, and each deletion prunes the directories it left
 *   empty (`readdirSync` + `rmdir`): two keys of one directory race, and the request fails with
 *   500 InternalError. (The adapter would retry it: 500 is retryable.)
 * - PutObject is not atomic: the bytes are written in place and the metadata (ETag, content type)
 *   in a second file, so two concurrent writes of one key can leave the bytes of one and the
 *   metadata of the other.
 * Both are serialized here, in the server's store: writes and deletes run one at a time
 * (`putObjectMultipart` ends in `putObject`, so completing a multipart upload is serialized too).
 */
function serializeWrites(server: S3rver): void {
  const store = (server as unknown as { store: Store }).store;
  const deleteObject = store.deleteObject.bind(store) as (bucket: string, key: string) => Promise<unknown>;
  let queue: Promise<unknown> = Promise.resolve();
  for (const method of ['deleteObject', 'putObject'] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    store[method] = (...args: unknown[]) => {
      const aborted = method === 'putObject' ? whenAborted(args[0]) : null;
      const next = queue.then(async () => {
        if (aborted === null) return original(...args);
        try {
          return await Promise.race([original(...args), aborted.promise]);
        } catch (error) {
          // Like S3, an aborted PutObject stores nothing: remove the bytes written so far.
          const { bucket, key } = args[0] as { bucket: string; key: string };
          if (aborted.happened()) await deleteObject(bucket, key).catch(() => undefined);
          throw error;
        } finally {
          aborted.dispose();
        }
      });
      queue = next.catch(() => undefined);
      return next;
    };
  }
}

/**
 * s3rver 3.7.1's PutObject never settles when the client goes away mid-body (a SIGKILLed
 * uploader): it pipes the request without listening for its abort. Behind the serialized queue
 * that would hold every later write forever. @returns a promise that rejects when the request
 * body of `object` (an `http.IncomingMessage`) closes incomplete; never settles otherwise.
 */
function whenAborted(object: unknown): { promise: Promise<never>; happened(): boolean; dispose(): void } {
  const body = (object as { content?: unknown } | undefined)?.content;
  if (!(body instanceof IncomingMessage))
    return { promise: new Promise(() => {}), happened: () => false, dispose: () => {} };
  let happened = false;
  let onClose = (): void => {};
  const promise = new Promise<never>((_, reject) => {
    onClose = () => {
      if (body.complete) return;
      happened = true;
      reject(new Error('the client aborted the request body'));
    };
    body.once('close', onClose);
    if (body.destroyed) onClose();
  });
  promise.catch(() => undefined);
  return { promise, happened: () => happened, dispose: () => body.off('close', onClose) };
}

interface ServerParts {
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly external: boolean;
  suspend(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

function makeServer(parts: ServerParts): S3TestServer {
  const clients: S3Client[] = [];
  let counter = 0;
  let admin: S3Client | undefined;
  const client = (): S3Client => {
    const made = createS3Client({
      region: parts.region,
      endpoint: parts.endpoint,
      forcePathStyle: true,
      credentials: parts.credentials,
    });
    clients.push(made);
    return made;
  };
  return {
    ...parts,
    client,
    uniqueBucketName: (label) => {
      counter += 1;
      const clean = label
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-')
        .slice(0, 30);
      return `fc-${clean}-${counter}-${randomBytes(4).toString('hex')}`.slice(0, 63).replace(/-+$/, '');
    },
    dropBucket: async (bucket) => {
      const s3 = (admin ??= client());
      try {
        for (;;) {
          const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
          const keys = (page.Contents ?? []).flatMap((c) => (c.Key === undefined ? [] : [{ Key: c.Key }]));
          if (keys.length === 0) break;
          // One key at a time: an unpatched s3rver (found through S3_ENDPOINT) fails DeleteObjects
          // of sibling keys with a 500 (see serializeWrites). Test buckets hold a few keys.
          for (const { Key } of keys) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
        }
        await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      } catch (error) {
        if ((error as { name?: string }).name !== 'NoSuchBucket') throw error;
      }
    },
    stop: async () => {
      for (const c of clients.splice(0)) c.destroy();
      await parts.stop();
    },
  };
}
