import { describe, expect, it } from 'vitest';
import { redactAccessToken } from '../../../src/http/routes/ws.js';

describe('redactAccessToken', () => {
  it('hides the access_token query value wherever it is, keeping the rest of the URL', () => {
    expect(redactAccessToken('/ws/jobs/j1?access_token=fc_secret')).toBe(
      '/ws/jobs/j1?access_token=[Redacted]',
    );
    expect(redactAccessToken('/ws/jobs/j1?a=1&ACCESS_TOKEN=x.y.z&b=2')).toBe(
      '/ws/jobs/j1?a=1&ACCESS_TOKEN=[Redacted]&b=2',
    );
    expect(redactAccessToken('/ws/jobs/j1')).toBe('/ws/jobs/j1');
  });
});
