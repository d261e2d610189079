import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';

/** UPLOAD_MAX_BYTES in this file: small, so 413 needs only a few KiB. */
const MAX_BYTES = 4096;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ UPLOAD_MAX_BYTES: String(MAX_BYTES) });
}, 60_000);
afterAll(async () => {
  await t.close();
});

const asA = { 'x-api-key': KEY_A };
const asB = { 'x-api-key': KEY_B };
const PROBLEM = 'application/problem+json; charset=utf-8';
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

type Part =
  | { readonly name: string; readonly value: string }
  | {
      readonly name: string;
      readonly filename: string;
      readonly data: Buffer;
      readonly contentType?: string;
    };

/** A multipart/form-data body with these parts, in order. */
function multipart(parts: readonly Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----framecast-test-${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('value' in part) {
      chunks.push(
        Buffer.from(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`),
      );
    } else {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n` +
            `Content-Type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        part.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function upload(
  parts: readonly Part[],
  headers: Record<string, string> = asA,
  query = '',
): Promise<{
  status: number;
  json: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: string;
}> {
  const body = multipart(parts);
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/uploads/content${query}`,
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
  return { status: res.statusCode, json: res.json(), headers: res.headers, body: res.body };
}

const file = (filename: string, data: Buffer, contentType?: string): Part => ({
  name: 'file',
  filename,
  data,
  ...(contentType !== undefined ? { contentType } : {}),
});

/** Keys stored under user A's uploads. */
const storedUploadKeys = async (): Promise<string[]> =>
  (await t.storage.list(`test/${t.userA}/uploads/`))._unsafeUnwrap();

describe('POST /uploads/content', () => {
  it('answers 401 without credentials, before reading the body', async () => {
    const body = multipart([file('pixel.png', fixture('pixel.png'))]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/uploads/content',
      headers: body.headers,
      payload: body.payload,
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe(PROBLEM);
  });

  it('stores a PNG (201 + Location) with the type from its bytes, not from the client', async () => {
    const png = fixture('pixel.png');
    const res = await upload([{ name: 'purpose', value: 'logo' }, file('logo.gif', png, 'text/plain')]);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      fileName: 'logo.gif',
      mediaType: 'image/png',
      kind: 'image',
      sizeBytes: png.length,
      sha256: sha256(png),
      purpose: 'logo',
      versionId: null,
    });
    const id = res.json['id'] as string;
    expect(res.headers['location']).toBe(`/api/v1/uploads/${id}`);
    expect(await storedUploadKeys()).toContain(`test/${t.userA}/uploads/${id}`);

    const got = await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}`, headers: asA });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(res.json);

    const download = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${id}?download=true`,
      headers: asA,
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toContain('attachment; filename="logo.gif"');
    expect(download.rawPayload).toEqual(png);
  });

  it('stores Markdown and PDF documents with matching SHA-256; purpose may come in the query', async () => {
    const md = fixture('notes.md');
    const mdRes = await upload([file('notes.md', md)], asA, '?purpose=document');
    expect(mdRes.status).toBe(201);
    expect(mdRes.json).toMatchObject({
      mediaType: 'text/markdown',
      kind: 'document',
      sha256: sha256(md),
      purpose: 'document',
    });
    const text = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${mdRes.json['id'] as string}?download=true`,
      headers: asA,
    });
    expect(text.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(text.body).toBe(md.toString('utf8'));

    const pdf = fixture('hello.pdf');
    const pdfRes = await upload([file('hello.pdf', pdf)]);
    expect(pdfRes.status).toBe(201);
    expect(pdfRes.json).toMatchObject({
      mediaType: 'application/pdf',
      kind: 'document',
      sha256: sha256(pdf),
      sizeBytes: pdf.length,
    });
  });

  it('answers 413 over UPLOAD_MAX_BYTES and stores nothing', async () => {
    const before = await storedUploadKeys();
    const big = Buffer.alloc(MAX_BYTES + 1, 'a');
    const res = await upload([file('big.txt', big)]);
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ status: 413, code: 'UPLOAD_TOO_LARGE' });
    expect(await storedUploadKeys()).toEqual(before);
    // Exactly the limit is fine.
    expect((await upload([file('exact.txt', Buffer.alloc(MAX_BYTES, 'a'))])).status).toBe(201);
  });

  it.each([
    ['a zip archive', 'archive.zip', 'files.zip'],
    ['an executable named .txt', 'program.exe', 'readme.txt'],
    ['a .txt with NUL bytes', 'binary.txt', 'binary.txt'],
    ['text under a name that is not .txt/.md', 'notes.md', 'notes.html'],
  ])('answers 415 for %s and stores nothing', async (_what, name, filename) => {
    const before = await storedUploadKeys();
    const res = await upload([file(filename, fixture(name), 'image/png')]);
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await storedUploadKeys()).toEqual(before);
  });

  it('answers 415 for unknown bytes and for a body that is not multipart', async () => {
    expect((await upload([file('x.bin', Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]))])).status).toBe(415);
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/v1/uploads/content',
      headers: asA,
      payload: { file: 'no' },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers 422 without a file, with the file in another field, or with a bad purpose', async () => {
    const noFile = await upload([{ name: 'purpose', value: 'logo' }]);
    expect(noFile.status).toBe(422);
    expect(noFile.json['errors']).toEqual([{ path: 'file', message: 'is required', location: 'body' }]);
    const wrongField = await upload([{ name: 'document', filename: 'a.md', data: fixture('notes.md') }]);
    expect(wrongField.status).toBe(422);
    const badPurpose = await upload([
      { name: 'purpose', value: 'wallpaper' },
      file('p.png', fixture('pixel.png')),
    ]);
    expect(badPurpose.status).toBe(422);
    expect((badPurpose.json['errors'] as { path: string }[])[0]?.path).toBe('purpose');
    const mismatch = await upload([{ name: 'purpose', value: 'music' }, file('p.png', fixture('pixel.png'))]);
    expect(mismatch.status).toBe(422);
  });
});

describe('GET /uploads, GET and DELETE /uploads/{id}', () => {
  it('lists the caller’s uploads by kind with cursor pagination; user B sees none of them', async () => {
    await upload([file('s.wav', fixture('silence.wav'))]);
    const audio = await t.app.inject({ method: 'GET', url: '/api/v1/uploads?kind=audio', headers: asA });
    expect(audio.statusCode).toBe(200);
    expect((audio.json() as { items: { kind: string }[] }).items.every((u) => u.kind === 'audio')).toBe(true);
    const page1 = (
      await t.app.inject({ method: 'GET', url: '/api/v1/uploads?limit=1', headers: asA })
    ).json() as {
      items: { id: string }[];
      nextCursor: string;
    };
    expect(page1.items).toHaveLength(1);
    const page2 = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/uploads?limit=1&cursor=${page1.nextCursor}`,
        headers: asA,
      })
    ).json() as { items: { id: string }[] };
    expect(page2.items[0]?.id).not.toBe(page1.items[0]?.id);
    const b = await t.app.inject({ method: 'GET', url: '/api/v1/uploads', headers: asB });
    expect(b.json()).toEqual({ items: [], nextCursor: null });
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/uploads?cursor=forged', headers: asA });
    expect(bad.statusCode).toBe(422);
  });

  it("answers 404 to user B for A's upload: get, download and delete", async () => {
    const id = (await upload([file('p.png', fixture('pixel.png'))])).json['id'] as string;
    for (const [method, url] of [
      ['GET', `/api/v1/uploads/${id}`],
      ['GET', `/api/v1/uploads/${id}?download=true`],
      ['DELETE', `/api/v1/uploads/${id}`],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: asB });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    }
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}`, headers: asA })).statusCode,
    ).toBe(200);
  });

  it('answers 409 while a queued job uses the upload, then deletes object and record', async () => {
    const id = (await upload([file('n.md', fixture('notes.md'))])).json['id'] as string;
    const gen = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: asA,
      payload: { topic: 'Tides', useRag: true, rag: { sourceUploadIds: [id] } },
    });
    expect(gen.statusCode).toBe(201);
    const jobId = (gen.json() as { id: string }).id;
    const refused = await t.app.inject({ method: 'DELETE', url: `/api/v1/uploads/${id}`, headers: asA });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'UPLOAD_IN_USE' });
    expect(refused.json().detail).toContain(jobId);
    expect(await storedUploadKeys()).toContain(`test/${t.userA}/uploads/${id}`);

    const job = (await t.jobs.findById(jobId))._unsafeUnwrap();
    (await t.jobs.delete(job.id, job.version))._unsafeUnwrap();
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/v1/uploads/${id}`, headers: asA });
    expect(deleted.statusCode).toBe(204);
    expect(await storedUploadKeys()).not.toContain(`test/${t.userA}/uploads/${id}`);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}`, headers: asA })).statusCode,
    ).toBe(404);
  });

  it('refuses a job naming an upload of the wrong kind or of another user (422 with the path)', async () => {
    const image = (await upload([file('p.png', fixture('pixel.png'))])).json['id'] as string;
    const bDoc = (await upload([file('b.md', fixture('notes.md'))], asB)).json['id'] as string;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: asA,
      payload: {
        topic: 'T',
        useRag: true,
        rag: { sourceUploadIds: [image, bDoc] },
        assets: { musicUploadId: image },
      },
    });
    expect(res.statusCode).toBe(422);
    expect((res.json() as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'rag.sourceUploadIds.0',
      'rag.sourceUploadIds.1',
      'assets.musicUploadId',
    ]);
  });
});

describe('/configurations', () => {
  const create = (payload: unknown, headers = asA) =>
    t.app.inject({ method: 'POST', url: '/api/v1/configurations', headers, payload: payload as object });

  it('answers 401 without credentials', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/configurations' })).statusCode).toBe(401);
  });

  it('creates (201 + Location), reads, lists, replaces and deletes; 404 for user B', async () => {
    const res = await create({
      name: 'Shorts',
      description: 'phones',
      defaults: { aspectRatio: '9:16', quality: 'low' },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json() as { id: string; links: { self: string } };
    expect(res.headers['location']).toBe(`/api/v1/configurations/${created.id}`);
    expect(created).toMatchObject({
      name: 'Shorts',
      description: 'phones',
      defaults: { aspectRatio: '9:16', quality: 'low' },
      links: { self: `/api/v1/configurations/${created.id}` },
    });
    const url = `/api/v1/configurations/${created.id}`;
    expect((await t.app.inject({ method: 'GET', url, headers: asA })).json()).toEqual(created);
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/v1/configurations', headers: asA })
    ).json() as {
      items: { id: string }[];
    };
    expect(list.items.map((c) => c.id)).toContain(created.id);
    for (const method of ['GET', 'DELETE'] as const)
      expect((await t.app.inject({ method, url, headers: asB })).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'PUT', url, headers: asB, payload: { name: 'x' } })).statusCode,
    ).toBe(404);
    expect(
      (
        (await t.app.inject({ method: 'GET', url: '/api/v1/configurations', headers: asB })).json() as {
          items: [];
        }
      ).items,
    ).toEqual([]);

    const put = await t.app.inject({
      method: 'PUT',
      url,
      headers: asA,
      payload: { name: 'Shorts 2', defaults: { quality: 'high' } },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ name: 'Shorts 2', description: null, defaults: { quality: 'high' } });

    expect((await t.app.inject({ method: 'DELETE', url, headers: asA })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url, headers: asA })).json()).toMatchObject({
      status: 404,
      code: 'CONFIGURATION_NOT_FOUND',
    });
  });

  it('answers 409 for a duplicate name (create and rename) and 422 for invalid defaults', async () => {
    expect((await create({ name: 'Dup' })).statusCode).toBe(201);
    const dup = await create({ name: 'Dup' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'CONFIGURATION_NAME_TAKEN', errors: [{ path: 'name' }] });
    expect((await create({ name: 'Dup' }, asB)).statusCode).toBe(201);
    const other = (await create({ name: 'Other' })).json() as { id: string };
    const rename = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/configurations/${other.id}`,
      headers: asA,
      payload: { name: 'Dup' },
    });
    expect(rename.statusCode).toBe(409);
    const bad = await create({ name: 'Bad', defaults: { maxDurationSeconds: 1 } });
    expect(bad.statusCode).toBe(422);
    expect((bad.json() as { errors: { path: string }[] }).errors[0]?.path).toMatch(/maxDurationSeconds/);
    const useRagAlone = await create({ name: 'Rag', defaults: { useRag: true } });
    expect(useRagAlone.statusCode).toBe(422);
    expect((useRagAlone.json() as { errors: { path: string }[] }).errors[0]?.path).toBe(
      'defaults.rag.sourceUploadIds',
    );
  });

  it('merges configuration and preferences under the request, visible in the job metadata', async () => {
    // Through the API, as a user would: job creation must see the change at once.
    const setPreferences = async (payload: Record<string, unknown>): Promise<void> => {
      const res = await t.app.inject({
        method: 'PUT',
        url: '/api/v1/users/me/preferences',
        headers: asA,
        payload,
      });
      expect(res.statusCode).toBe(200);
    };
    await setPreferences({ defaultVoice: 'de', defaultNarration: false, defaultQuality: 'preview' });
    try {
      const config = (
        await create({
          name: 'Merge',
          defaults: { quality: 'low', aspectRatio: '9:16', maxDurationSeconds: 60 },
        })
      ).json() as {
        id: string;
      };
      const gen = await t.app.inject({
        method: 'POST',
        url: '/api/v1/videos/generate',
        headers: asA,
        payload: { topic: 'Merged', quality: 'high', configurationId: config.id },
      });
      expect(gen.statusCode).toBe(201);
      const jobId = (gen.json() as { id: string }).id;
      const meta = await t.app.inject({
        method: 'GET',
        url: `/api/v1/videos/jobs/${jobId}/metadata`,
        headers: asA,
      });
      expect((meta.json() as { spec: unknown }).spec).toMatchObject({
        topic: 'Merged',
        quality: 'high',
        aspectRatio: '9:16',
        maxDurationSeconds: 60,
        voice: 'de',
        narration: false,
        language: 'en',
        configurationId: config.id,
      });
    } finally {
      await setPreferences({});
    }
  });

  it("answers 422 at configurationId for an unknown or another user's configuration", async () => {
    const bs = (await create({ name: 'B only' }, asB)).json() as { id: string };
    for (const configurationId of [bs.id, 'does-not-exist']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/videos/generate',
        headers: asA,
        payload: { topic: 'T', configurationId },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        errors: [{ path: 'configurationId', message: 'unknown configuration' }],
      });
    }
  });
});
