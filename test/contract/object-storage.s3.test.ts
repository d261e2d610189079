import { afterAll } from 'vitest';
import { S3ObjectStorage } from '../../src/adapters/s3/s3-object-storage.js';
import { createS3ResiliencePolicy } from '../../src/adapters/s3/s3-resilience.js';
import { startS3Server, type S3TestServer } from '../support/s3rver.js';
import { describeObjectStorageContract, unwrap } from './object-storage.contract.js';

// One s3rver for the file (or the server named by S3_ENDPOINT + S3_BUCKET); a fresh bucket per
// subject, because the contract lists and deletes from the root (`list('')`).
let server: Promise<S3TestServer> | undefined;
const getServer = (): Promise<S3TestServer> => (server ??= startS3Server());

afterAll(async () => {
  if (server !== undefined) await (await server).stop();
});

describeObjectStorageContract('s3', async () => {
  const s3 = await getServer();
  const bucket = s3.uniqueBucketName('contract');
  const storage = new S3ObjectStorage({
    bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: s3.credentials,
    createBucketIfMissing: true,
    resilience: createS3ResiliencePolicy({ timeoutMs: 5_000, retry: { maxAttempts: 2, initialDelayMs: 20 } }),
  });
  unwrap(await storage.ensureBucket());
  return { storage, close: () => s3.dropBucket(bucket) };
});
