/** Padding around speech and fade length, in seconds. */
export const TIMELINE_RULES = {
  /** Silence before the narrator starts (covers the fade-in). */
  leadSeconds: 0.35,
  /** Silence after the narrator stops (covers the fade-out). */
  tailSeconds: 0.65,
  /** Shortest narrated scene. */
  minSceneSeconds: 2,
  /**
   * Fade from and to black at each scene edge (at most a quarter of the scene). Fade frames are
   * the expensive ones to encode (every macroblock changes): 0.3 s fades cost ~0.5 s of CPU on a
   * 21 s 720p video of three cards, 0.2 s ones about half that (bench/render.ts).
   */
  fadeSeconds: 0.2,
} as const;

/** One scene's place in the video. Frames at the output rate; times in seconds from the start. */
export interface SceneSlot {
  readonly index: number;
  readonly startFrame: number;
  readonly frames: number;
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** Frames of the fade-in and of the fade-out. */
  readonly fadeFrames: number;
  /** When speech starts (seconds from the video start) and how long it lasts (0 when silent). */
  readonly speechStartSeconds: number;
  readonly speechSeconds: number;
}

/** The whole video: slots back to back, total length in frames and seconds. */
export interface Timeline {
  readonly fps: number;
  readonly slots: readonly SceneSlot[];
  readonly totalFrames: number;
  readonly totalSeconds: number;
}

/**
 * Lays scenes end to end on whole frames. With narration a scene lasts lead + speech + tail
 * (at least `minSceneSeconds`); without, its `estimatedSeconds`. Lengths are rounded up to whole
 * frames so video and audio boundaries coincide exactly.
 *
 * @param scenes the storyboard scenes (only `estimatedSeconds` is read, seconds)
 * @param speechSeconds per-scene speech length in seconds, or `null` when narration is off
 * @param fps output frame rate (frames/s)
 */
export function planTimeline(
  scenes: readonly { readonly estimatedSeconds: number }[],
  speechSeconds: readonly number[] | null,
  fps: number,
): Timeline {
  const r = TIMELINE_RULES;
  const slots: SceneSlot[] = [];
  let startFrame = 0;
  scenes.forEach((scene, index) => {
    const speech = speechSeconds ? Math.max(0, speechSeconds[index] ?? 0) : 0;
    const seconds = speechSeconds
      ? Math.max(r.minSceneSeconds, r.leadSeconds + speech + r.tailSeconds)
      : Math.max(1, scene.estimatedSeconds);
    const frames = Math.max(1, Math.ceil(seconds * fps - 1e-6));
    const startSeconds = startFrame / fps;
    slots.push({
      index,
      startFrame,
      frames,
      startSeconds,
      endSeconds: (startFrame + frames) / fps,
      fadeFrames: Math.max(1, Math.min(Math.round(r.fadeSeconds * fps), Math.floor(frames / 4))),
      speechStartSeconds: startSeconds + (speech > 0 ? r.leadSeconds : 0),
      speechSeconds: speech,
    });
    startFrame += frames;
  });
  return { fps, slots, totalFrames: startFrame, totalSeconds: startFrame / fps };
}
