import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas, GlobalFonts, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Scene, SceneKind } from '../../domain/storyboard.js';
import { BACKGROUND_OVERLAY_ALPHA, type SceneAssets } from './scene-assets.js';
import { fitParagraphs, type FittedText, type MeasureText } from './text-layout.js';

/** The font family the painter sets text in (registered from `dejavu-fonts-ttf`). */
export const FONT_FAMILY = 'DejaVu Sans';

const FONT_FILES = [
  'DejaVuSans.ttf',
  'DejaVuSans-Bold.ttf',
  'DejaVuSans-Oblique.ttf',
  'DejaVuSans-BoldOblique.ttf',
];

let fontsRegistered = false;

/** Registers the DejaVu Sans faces with the canvas (once per process). Returns the font directory. */
export function registerFonts(fontDir?: string): string {
  const dir =
    fontDir ?? join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  if (!fontsRegistered) {
    for (const file of FONT_FILES) {
      if (GlobalFonts.registerFromPath(join(dir, file), FONT_FAMILY) === null)
        throw new Error(`cannot load font ${join(dir, file)}`);
    }
    fontsRegistered = true;
  }
  return dir;
}

/** What to paint: the scene, its 1-based position among `sceneCount`, and the frame size in pixels. */
export interface PaintRequest {
  readonly scene: Scene;
  readonly sceneNumber: number;
  readonly sceneCount: number;
  readonly width: number;
  readonly height: number;
  /** The render's uploaded images, pre-scaled for this frame size (see `loadSceneAssets`). */
  readonly assets?: SceneAssets;
}

interface Palette {
  readonly from: string;
  readonly to: string;
  readonly accent: string;
}

const PALETTES: Record<SceneKind, Palette> = {
  title: { from: '#0b1120', to: '#1e3a8a', accent: '#38bdf8' },
  content: { from: '#0b1120', to: '#134e4a', accent: '#2dd4bf' },
  source: { from: '#1c1917', to: '#3f3a36', accent: '#fbbf24' },
  summary: { from: '#1e1b4b', to: '#4c1d95', accent: '#c084fc' },
};

const TEXT = '#f8fafc';
const BODY_TEXT = '#e2e8f0';

type FontStyle = 'regular' | 'bold' | 'italic';

const fontString = (style: FontStyle, size: number): string =>
  `${style === 'bold' ? 'bold ' : style === 'italic' ? 'italic ' : ''}${size}px "${FONT_FAMILY}"`;

/**
 * Paints one still card per scene with `@napi-rs/canvas`: a gradient background, the title card
 * with the topic large and centred, content and source cards with heading and body, the summary
 * card with bullets, and a small scene counter. Text is measured with the real font, word-wrapped
 * (long words broken) and shrunk until it fits its box, so it never leaves the frame. Works for
 * any size (16:9, 9:16, 1:1): lengths scale with the shorter side.
 *
 * With uploaded assets: a background image is drawn under the card with the scene's gradient
 * over it at {@link BACKGROUND_OVERLAY_ALPHA} (so text stays readable); a logo sits in the
 * top-right corner of the text frame, and headings, titles and panels keep clear of it.
 */
export class CanvasScenePainter {
  /** @param options.fontDir directory of the DejaVu TTF files (default: the `dejavu-fonts-ttf` package). */
  constructor(options: { fontDir?: string } = {}) {
    registerFonts(options.fontDir);
  }

  /** The scene drawn on a new `width` x `height` px canvas (opaque: the background covers it all). */
  paint(request: PaintRequest): Canvas {
    const { width, height } = request;
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext('2d');
    const palette = PALETTES[request.scene.kind];
    const unit = Math.min(width, height) / 100;
    const frame = { x: Math.max(6 * unit, width * 0.07), y: Math.max(6 * unit, height * 0.07) };

    paintBackground(ctx, width, height, palette, unit, request.assets?.background);
    const box = {
      left: frame.x,
      top: frame.y,
      width: width - 2 * frame.x,
      bottom: height - frame.y - 5 * unit,
    };
    const logo = request.assets?.logo;
    const logoArea =
      logo === undefined ? null : { left: width - frame.x - logo.width, bottom: frame.y + logo.height };
    if (request.scene.kind === 'title') paintTitle(ctx, request.scene, box, palette, unit, height, logoArea);
    else paintCard(ctx, request.scene, box, palette, unit, logoArea);
    if (logo !== undefined && logoArea !== null) ctx.drawImage(logo.image, logoArea.left, frame.y);
    paintCounter(ctx, request, frame, unit);
    return canvas;
  }
}

/**
 * The canvas's pixels as raw RGBA bytes (`width * height * 4`, rows top to bottom, straight
 * alpha): the frame format ffmpeg reads on stdin (`-f rawvideo -pix_fmt rgba`). A view of the
 * image data, not a copy.
 */
export function rgbaPixels(canvas: Canvas): Buffer {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Width of the thumbnail in px (the height keeps the aspect ratio, rounded to an even number). */
export const THUMBNAIL_WIDTH = 640;
/** JPEG quality of the thumbnail (0–100). */
export const THUMBNAIL_QUALITY = 85;

/**
 * A JPEG thumbnail of a painted scene: {@link THUMBNAIL_WIDTH} px wide (scaled up or down with
 * high-quality smoothing), the height to match rounded to an even number of pixels, quality
 * {@link THUMBNAIL_QUALITY}. Encoded off the event loop.
 */
export function thumbnailJpeg(scene: Canvas): Promise<Buffer> {
  const width = THUMBNAIL_WIDTH;
  const height = Math.max(2, 2 * Math.round((scene.height * width) / scene.width / 2));
  const thumb = createCanvas(width, height);
  const ctx = thumb.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(scene, 0, 0, width, height);
  return thumb.encode('jpeg', THUMBNAIL_QUALITY);
}

interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly bottom: number;
}

/** Where the logo sits (top-right of the text frame): its left edge and bottom, in px; `null` without one. */
type LogoArea = { readonly left: number; readonly bottom: number } | null;

function measurer(ctx: SKRSContext2D, style: FontStyle): (size: number) => MeasureText {
  return (size) => {
    ctx.font = fontString(style, size);
    return (text) => ctx.measureText(text).width;
  };
}

function paintBackground(
  ctx: SKRSContext2D,
  width: number,
  height: number,
  palette: Palette,
  unit: number,
  image: SceneAssets['background'],
): void {
  const gradient = ctx.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, palette.from);
  gradient.addColorStop(1, palette.to);
  if (image !== undefined) {
    ctx.drawImage(image, 0, 0);
    ctx.globalAlpha = BACKGROUND_OVERLAY_ALPHA;
  }
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, width, height);
  ctx.globalAlpha = 1;
  const glow = ctx.createRadialGradient(width * 0.85, height * 0.1, 0, width * 0.85, height * 0.1, 70 * unit);
  glow.addColorStop(0, 'rgba(255,255,255,0.10)');
  glow.addColorStop(1, 'rgba(255,255,255,0)');
  ctx.fillStyle = glow;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = palette.accent;
  ctx.globalAlpha = 0.85;
  ctx.fillRect(0, height - 0.8 * unit, width, 0.8 * unit);
  ctx.globalAlpha = 1;
}

/** Draws fitted lines from `top`; `align` centre puts each line on `x` as its middle. */
function drawLines(
  ctx: SKRSContext2D,
  fitted: FittedText,
  style: FontStyle,
  x: number,
  top: number,
  options: { align: 'left' | 'center'; color: string; paragraphGap?: number; bullet?: string },
): void {
  ctx.font = fontString(style, fitted.fontSize);
  ctx.fillStyle = options.color;
  ctx.textAlign = options.align;
  ctx.textBaseline = 'middle';
  const gap = (options.paragraphGap ?? 0) * fitted.lineHeightPx;
  let y = top;
  for (const paragraph of fitted.paragraphs) {
    paragraph.forEach((line, i) => {
      const middle = y + fitted.lineHeightPx / 2;
      if (options.bullet && i === 0) {
        ctx.save();
        ctx.fillStyle = options.bullet;
        ctx.beginPath();
        ctx.arc(x - fitted.fontSize * 0.9, middle, fitted.fontSize * 0.2, 0, Math.PI * 2);
        ctx.fill();
        ctx.restore();
      }
      ctx.fillText(line, x, middle);
      y += fitted.lineHeightPx;
    });
    y += gap;
  }
}

function paintTitle(
  ctx: SKRSContext2D,
  scene: Scene,
  frameBox: Box,
  palette: Palette,
  unit: number,
  height: number,
  logo: LogoArea,
): void {
  const box = logo === null ? frameBox : { ...frameBox, top: Math.max(frameBox.top, logo.bottom + 2 * unit) };
  const maxHeight = (box.bottom - box.top) * 0.7;
  const fitted = fitParagraphs([scene.heading], {
    maxWidth: box.width * 0.9,
    maxHeight,
    maxSize: Math.round(11 * unit),
    minSize: Math.round(3.5 * unit),
    lineHeight: 1.2,
    measureAt: measurer(ctx, 'bold'),
  });
  const rule = { gap: 3.5 * unit, height: 0.9 * unit, width: 14 * unit };
  const blockHeight = fitted.height + rule.gap + rule.height;
  const top = Math.max(box.top, (height - blockHeight) / 2 - 2 * unit);
  const centre = box.left + box.width / 2;
  drawLines(ctx, fitted, 'bold', centre, top, { align: 'center', color: TEXT });
  ctx.fillStyle = palette.accent;
  ctx.fillRect(centre - rule.width / 2, top + fitted.height + rule.gap, rule.width, rule.height);
}

function paintCard(
  ctx: SKRSContext2D,
  scene: Scene,
  box: Box,
  palette: Palette,
  unit: number,
  logo: LogoArea,
): void {
  const heading = fitParagraphs([scene.heading], {
    maxWidth: logo === null ? box.width : logo.left - 3 * unit - box.left,
    maxHeight: 15 * unit,
    maxSize: Math.round(5.5 * unit),
    minSize: Math.round(3 * unit),
    lineHeight: 1.25,
    maxLines: 2,
    measureAt: measurer(ctx, 'bold'),
  });
  drawLines(ctx, heading, 'bold', box.left, box.top, { align: 'left', color: palette.accent });
  const ruleTop = box.top + heading.height + 1.8 * unit;
  ctx.fillStyle = palette.accent;
  ctx.fillRect(box.left, ruleTop, 10 * unit, 0.6 * unit);

  const panelTop = Math.max(ruleTop + 3.5 * unit, logo === null ? 0 : logo.bottom + 2 * unit);
  const panel = { left: box.left, top: panelTop, width: box.width, bottom: box.bottom };
  const pad = 3.5 * unit;
  ctx.fillStyle = 'rgba(255,255,255,0.07)';
  ctx.beginPath();
  ctx.roundRect(panel.left, panel.top, panel.width, panel.bottom - panel.top, 2 * unit);
  ctx.fill();

  const inner = { width: panel.width - 2 * pad, height: panel.bottom - panel.top - 2 * pad };
  if (inner.width <= 0 || inner.height <= 0) return;
  if (scene.kind === 'summary') {
    const bullets = fitParagraphs(scene.bullets.length > 0 ? scene.bullets : [scene.body], {
      maxWidth: (size) => inner.width - 1.6 * size,
      maxHeight: inner.height,
      maxSize: Math.round(4.8 * unit),
      minSize: Math.round(2.2 * unit),
      lineHeight: 1.3,
      paragraphGap: 0.45,
      measureAt: measurer(ctx, 'regular'),
    });
    const top = panel.top + pad + (inner.height - bullets.height) / 2;
    drawLines(ctx, bullets, 'regular', panel.left + pad + 1.6 * bullets.fontSize, top, {
      align: 'left',
      color: BODY_TEXT,
      paragraphGap: 0.45,
      bullet: palette.accent,
    });
    return;
  }
  const style: FontStyle = scene.kind === 'source' ? 'italic' : 'regular';
  const body = fitParagraphs([scene.body], {
    maxWidth: inner.width,
    maxHeight: inner.height,
    maxSize: Math.round(6 * unit),
    minSize: Math.round(2.2 * unit),
    lineHeight: 1.38,
    measureAt: measurer(ctx, style),
  });
  const top = panel.top + pad + (inner.height - body.height) / 2;
  drawLines(ctx, body, style, panel.left + pad, top, { align: 'left', color: BODY_TEXT });
}

function paintCounter(
  ctx: SKRSContext2D,
  request: PaintRequest,
  frame: { x: number; y: number },
  unit: number,
): void {
  const size = Math.max(10, Math.round(2.4 * unit));
  const label = `${request.sceneNumber} / ${request.sceneCount}`;
  ctx.font = fontString('regular', size);
  ctx.fillStyle = 'rgba(248,250,252,0.6)';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(label, request.width - frame.x, request.height - frame.y * 0.55);
}
