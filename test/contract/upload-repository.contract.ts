import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Upload } from '../../src/domain/upload.js';
import type { UploadRepository } from '../../src/ports/upload-repository.js';

/** One fresh, empty store per test. */
export interface UploadRepositorySubject {
  readonly repo: UploadRepository;
  close(): Promise<void>;
}

const T1 = new Date('2026-11-21T08:00:00.000Z');
const at = (s: number): Date => new Date(T1.getTime() + s * 1000);

const upload = (id: string, overrides: Partial<Upload> = {}): Upload => ({
  id,
  ownerId: 'user_1',
  storageKey: `test/${overrides.ownerId ?? 'user_1'}/uploads/${id}`,
  fileName: `${id}.png`,
  mediaType: 'image/png',
  kind: 'image',
  sizeBytes: 70,
  sha256: 'ab'.repeat(32),
  purpose: null,
  versionId: null,
  createdAt: T1,
  ...overrides,
});

/**
 * Runs the {@link UploadRepository} contract against one adapter: round trip (every field),
 * not-found, lookup by ids, pages newest first with a kind filter and cursors, invalid cursor,
 * delete.
 */
export function describeUploadRepositoryContract(
  adapterName: string,
  makeSubject: () => Promise<UploadRepositorySubject>,
): void {
  describe(`UploadRepository contract [${adapterName}]`, () => {
    let subject: UploadRepositorySubject;
    let repo: UploadRepository;

    beforeEach(async () => {
      subject = await makeSubject();
      repo = subject.repo;
    });

    afterEach(async () => {
      await subject.close();
    });

    it('stores and reads back every field', async () => {
      const a = upload('u-1', {
        fileName: 'résumé notes.md',
        mediaType: 'text/markdown',
        kind: 'document',
        sizeBytes: 6_000_000_000,
        purpose: 'document',
        versionId: 'v-42',
      });
      expect((await repo.insert(a))._unsafeUnwrap()).toEqual(a);
      expect((await repo.findById('u-1'))._unsafeUnwrap()).toEqual(a);
    });

    it('answers UploadNotFound for an unknown id', async () => {
      expect((await repo.findById('nope'))._unsafeUnwrapErr()).toEqual({
        type: 'UploadNotFound',
        uploadId: 'nope',
      });
    });

    it('finds the existing uploads among several ids, any owner', async () => {
      await repo.insert(upload('u-1'));
      await repo.insert(upload('u-2', { ownerId: 'user_2' }));
      const found = (await repo.findByIds(['u-2', 'missing', 'u-1', 'u-1']))._unsafeUnwrap();
      expect(found.map((u) => u.id).sort()).toEqual(['u-1', 'u-2']);
      expect((await repo.findByIds([]))._unsafeUnwrap()).toEqual([]);
    });

    it("lists one owner's uploads newest first (ties by id), filtered by kind, page by page", async () => {
      await repo.insert(upload('u-a', { createdAt: at(1) }));
      await repo.insert(upload('u-c', { createdAt: at(2), kind: 'document', mediaType: 'application/pdf' }));
      await repo.insert(upload('u-b', { createdAt: at(2) }));
      await repo.insert(upload('u-d', { createdAt: at(3), kind: 'audio', mediaType: 'audio/wav' }));
      await repo.insert(upload('u-x', { createdAt: at(4), ownerId: 'user_2' }));
      const first = (await repo.list({ ownerId: 'user_1', limit: 2 }))._unsafeUnwrap();
      expect(first.items.map((u) => u.id)).toEqual(['u-d', 'u-c']);
      expect(first.nextCursor).not.toBeNull();
      const second = (
        await repo.list({ ownerId: 'user_1', limit: 2, cursor: first.nextCursor ?? '' })
      )._unsafeUnwrap();
      expect(second.items.map((u) => u.id)).toEqual(['u-b', 'u-a']);
      expect(second.nextCursor).toBeNull();
      const images = (await repo.list({ ownerId: 'user_1', kind: 'image', limit: 10 }))._unsafeUnwrap();
      expect(images.items.map((u) => u.id)).toEqual(['u-b', 'u-a']);
      expect((await repo.list({ ownerId: 'user_3', limit: 10 }))._unsafeUnwrap()).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('refuses a cursor it did not make', async () => {
      expect(
        (await repo.list({ ownerId: 'user_1', limit: 5, cursor: 'bm90LWEtY3Vyc29y' }))._unsafeUnwrapErr(),
      ).toMatchObject({
        type: 'InvalidCursor',
      });
    });

    it('deletes, then answers UploadNotFound', async () => {
      await repo.insert(upload('u-1'));
      (await repo.delete('u-1'))._unsafeUnwrap();
      expect((await repo.findById('u-1'))._unsafeUnwrapErr().type).toBe('UploadNotFound');
      expect((await repo.delete('u-1'))._unsafeUnwrapErr()).toEqual({
        type: 'UploadNotFound',
        uploadId: 'u-1',
      });
    });
  });
}
