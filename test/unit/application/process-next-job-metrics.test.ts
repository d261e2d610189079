import { describe, expect, it } from 'vitest';
import { createApplicationFixture } from '../../support/application-fixture.js';
import { ScriptedVideoRenderer } from '../../support/scripted-video-renderer.js';

describe('ProcessNextJob reports metrics', () => {
  it('reports every stage duration and the completed outcome', async () => {
    const f = createApplicationFixture();
    await f.submit();
    const outcome = await f.process();
    expect(outcome.kind).toBe('completed');
    const stages = Object.fromEntries(f.metrics.stages.map((s) => [s.stage, s.seconds]));
    // The scripted renderer reports these stage times; planning and uploading are timed on the clock.
    expect(stages).toEqual({
      planning: 0,
      narration: 0.5,
      rendering: 0.25,
      composing: 1,
      thumbnail: 0.125,
      uploading: 0,
    });
    expect(f.metrics.outcomeCounts()).toEqual({ completed: 1 });
    expect(f.metrics.queueWaits).toEqual([0]);
    expect(f.metrics.failures.size).toBe(0);
  });

  it('reports a failure by code and the retrying outcome', async () => {
    const f = createApplicationFixture({
      renderer: new ScriptedVideoRenderer().script({ kind: 'fail', stage: 'rendering', retryable: true }),
    });
    await f.submit();
    expect((await f.process()).kind).toBe('retrying');
    expect(f.metrics.failures.get('RENDER_FAILED')).toBe(1);
    expect(f.metrics.outcomeCounts()).toEqual({ retrying: 1 });
    expect(f.metrics.stages.map((s) => s.stage)).toEqual(['planning']);
  });

  it('reports nothing when no job is runnable', async () => {
    const f = createApplicationFixture();
    expect((await f.process()).kind).toBe('idle');
    expect(f.metrics.outcomes).toEqual([]);
    expect(f.metrics.queueWaits).toEqual([]);
  });
});
