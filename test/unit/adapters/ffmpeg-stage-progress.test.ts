import { describe, expect, it } from 'vitest';
import { StageProgress } from '../../../src/adapters/ffmpeg/stage-progress.js';
import type { RenderProgress } from '../../../src/ports/video-renderer.js';

describe('StageProgress', () => {
  const recorder = () => {
    const events: RenderProgress[] = [];
    return { events, emit: (p: RenderProgress) => events.push(p) };
  };

  it('holds rendering back during narration, then replays it in order', () => {
    const { events, emit } = recorder();
    const progress = new StageProgress(emit, { holdRendering: true });
    progress.report({ stage: 'narration', percent: 0 });
    progress.report({ stage: 'rendering', percent: 0 });
    progress.report({ stage: 'rendering', percent: 50 });
    progress.report({ stage: 'narration', percent: 50 });
    progress.report({ stage: 'narration', percent: 100 });
    progress.narrationDone();
    expect(events.map((e) => `${e.stage}:${e.percent}`)).toEqual([
      'narration:0',
      'narration:50',
      'narration:100',
      'rendering:0',
      'rendering:50',
    ]);
  });

  it('closes rendering at 100 when composing starts and drops late painter reports', () => {
    const { events, emit } = recorder();
    const progress = new StageProgress(emit, { holdRendering: false });
    progress.report({ stage: 'narration', percent: 100 });
    progress.report({ stage: 'rendering', percent: 0 });
    progress.report({ stage: 'rendering', percent: 10 });
    progress.startComposing('encoding 20.0 s', '2 of 20 scenes painted');
    progress.report({ stage: 'rendering', percent: 15 });
    progress.report({ stage: 'composing', percent: 30 });
    progress.report({ stage: 'composing', percent: 30 });
    progress.report({ stage: 'composing', percent: 20 });
    progress.startComposing('again');
    progress.report({ stage: 'composing', percent: 100 });
    progress.report({ stage: 'thumbnail', percent: 0 });
    expect(events).toEqual([
      { stage: 'narration', percent: 100 },
      { stage: 'rendering', percent: 0 },
      { stage: 'rendering', percent: 10 },
      { stage: 'rendering', percent: 100, message: '2 of 20 scenes painted' },
      { stage: 'composing', percent: 0, message: 'encoding 20.0 s' },
      { stage: 'composing', percent: 30 },
      { stage: 'composing', percent: 100 },
      { stage: 'thumbnail', percent: 0 },
    ]);
    expect(progress.stage).toBe('thumbnail');
  });

  it('does not repeat rendering 100 when painting finished first', () => {
    const { events, emit } = recorder();
    const progress = new StageProgress(emit, { holdRendering: false });
    progress.report({ stage: 'rendering', percent: 0 });
    progress.report({ stage: 'rendering', percent: 100 });
    progress.startComposing('encoding', 'ignored: already at 100');
    expect(events.map((e) => `${e.stage}:${e.percent}`)).toEqual([
      'rendering:0',
      'rendering:100',
      'composing:0',
    ]);
  });
});
