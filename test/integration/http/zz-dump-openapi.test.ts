import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { createTestApp } from '../../support/http-app.js';
it('dumps', async () => {
  const t = await createTestApp();
  await t.app.ready();
  try {
    writeFileSync('/tmp/openapi.json', JSON.stringify(t.app.swagger(), null, 2));
  } catch (e) { console.log(e); }
  await t.close();
}, 30000);
