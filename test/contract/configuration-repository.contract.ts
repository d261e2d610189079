import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Configuration } from '../../src/domain/configuration.js';
import type { ConfigurationRepository } from '../../src/ports/configuration-repository.js';

/** One fresh, empty store per test. */
export interface ConfigurationRepositorySubject {
  readonly repo: ConfigurationRepository;
  close(): Promise<void>;
}

const T1 = new Date('2026-11-21T08:00:00.000Z');
const at = (s: number): Date => new Date(T1.getTime() + s * 1000);

const configuration = (id: string, overrides: Partial<Configuration> = {}): Configuration => ({
  id,
  ownerId: 'user_1',
  name: `Preset ${id}`,
  description: null,
  defaults: {},
  createdAt: T1,
  updatedAt: T1,
  ...overrides,
});

/**
 * Runs the {@link ConfigurationRepository} contract against one adapter: round trip, names
 * unique per owner on insert and update, not-found, pages newest first, update keeps owner and
 * creation time, delete.
 */
export function describeConfigurationRepositoryContract(
  adapterName: string,
  makeSubject: () => Promise<ConfigurationRepositorySubject>,
): void {
  describe(`ConfigurationRepository contract [${adapterName}]`, () => {
    let subject: ConfigurationRepositorySubject;
    let repo: ConfigurationRepository;

    beforeEach(async () => {
      subject = await makeSubject();
      repo = subject.repo;
    });

    afterEach(async () => {
      await subject.close();
    });

    it('stores and reads back every field, defaults included', async () => {
      const c = configuration('c-1', {
        description: 'Vertical',
        defaults: {
          quality: 'high',
          aspectRatio: '9:16',
          narration: false,
          maxDurationSeconds: 45.5,
          rag: { topK: 3 },
          assets: { logoUploadId: 'u-1' },
        },
      });
      expect((await repo.insert(c))._unsafeUnwrap()).toEqual(c);
      expect((await repo.findById('c-1'))._unsafeUnwrap()).toEqual(c);
    });

    it('keeps names unique per owner, not across owners', async () => {
      await repo.insert(configuration('c-1', { name: 'Same' }));
      expect((await repo.insert(configuration('c-2', { name: 'Same' })))._unsafeUnwrapErr()).toEqual({
        type: 'ConfigurationNameTaken',
        name: 'Same',
      });
      (await repo.insert(configuration('c-3', { name: 'Same', ownerId: 'user_2' })))._unsafeUnwrap();
      (await repo.insert(configuration('c-4', { name: 'same' })))._unsafeUnwrap();
    });

    it('updates name, description, defaults and updatedAt, keeping owner and creation time', async () => {
      await repo.insert(configuration('c-1', { name: 'A' }));
      await repo.insert(configuration('c-2', { name: 'B' }));
      const updated = (
        await repo.update(
          configuration('c-1', {
            ownerId: 'ignored',
            name: 'A2',
            description: 'd',
            defaults: { quality: 'low' },
            createdAt: at(99),
            updatedAt: at(5),
          }),
        )
      )._unsafeUnwrap();
      expect(updated).toEqual(
        configuration('c-1', {
          name: 'A2',
          description: 'd',
          defaults: { quality: 'low' },
          updatedAt: at(5),
        }),
      );
      expect((await repo.findById('c-1'))._unsafeUnwrap()).toEqual(updated);
      expect((await repo.update(configuration('c-2', { name: 'A2' })))._unsafeUnwrapErr().type).toBe(
        'ConfigurationNameTaken',
      );
      expect((await repo.update(configuration('nope')))._unsafeUnwrapErr()).toEqual({
        type: 'ConfigurationNotFound',
        configurationId: 'nope',
      });
    });

    it("lists one owner's configurations newest first, page by page", async () => {
      await repo.insert(configuration('c-1', { createdAt: at(1) }));
      await repo.insert(configuration('c-2', { createdAt: at(2) }));
      await repo.insert(configuration('c-3', { createdAt: at(3) }));
      await repo.insert(configuration('c-9', { createdAt: at(4), ownerId: 'user_2' }));
      const first = (await repo.list({ ownerId: 'user_1', limit: 2 }))._unsafeUnwrap();
      expect(first.items.map((c) => c.id)).toEqual(['c-3', 'c-2']);
      const second = (
        await repo.list({ ownerId: 'user_1', limit: 2, cursor: first.nextCursor ?? '' })
      )._unsafeUnwrap();
      expect(second).toMatchObject({ items: [{ id: 'c-1' }], nextCursor: null });
      expect((await repo.list({ ownerId: 'user_1', limit: 2, cursor: '!' }))._unsafeUnwrapErr().type).toBe(
        'InvalidCursor',
      );
    });

    it('deletes, then answers ConfigurationNotFound', async () => {
      await repo.insert(configuration('c-1'));
      (await repo.delete('c-1'))._unsafeUnwrap();
      expect((await repo.findById('c-1'))._unsafeUnwrapErr()).toEqual({
        type: 'ConfigurationNotFound',
        configurationId: 'c-1',
      });
      expect((await repo.delete('c-1'))._unsafeUnwrapErr().type).toBe('ConfigurationNotFound');
      // The name is free again.
      (await repo.insert(configuration('c-2', { name: 'Preset c-1' })))._unsafeUnwrap();
    });
  });
}
