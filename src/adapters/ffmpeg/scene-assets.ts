import { readFile } from 'node:fs/promises';
import { createCanvas, loadImage, type Canvas, type Image } from '@napi-rs/canvas';
import { err, ok, type Result } from 'neverthrow';
import { RETRYABLE_ERRNO } from './process-group.js';

/** Largest side of the logo box as a share of the frame's shorter side. */
export const LOGO_HEIGHT_SHARE = 0.12;
/** Widest the logo box may be, as a share of the frame width (wide word marks). */
export const LOGO_MAX_WIDTH_SHARE = 0.3;
/** Opacity of the scene gradient laid over a background image (0 = image only, 1 = no image). */
export const BACKGROUND_OVERLAY_ALPHA = 0.62;
/** Images with more pixels than this are refused before they are scaled (40 MP). */
export const MAX_IMAGE_PIXELS = 40_000_000;

/**
 * A render's images, decoded and scaled once for the frame size so that painting a card only
 * blits them: the background cover-fit to the whole frame, the logo contain-fit into its box.
 */
export interface SceneAssets {
  readonly background?: Canvas;
  readonly logo?: FittedLogo;
}

/** The logo scaled into its box; `width` and `height` in px. */
export interface FittedLogo {
  readonly image: Canvas;
  readonly width: number;
  readonly height: number;
}

/** Why an image could not be used; `retryable` only for transient errno (EMFILE, ENOMEM...). */
export interface AssetImageFailure {
  readonly message: string;
  readonly retryable: boolean;
}

/**
 * Reads, decodes and pre-scales the logo and background images for `width` x `height` frames.
 * PNG, JPEG, WebP and GIF (first frame) decode; anything else, a truncated file or an image
 * over {@link MAX_IMAGE_PIXELS} fails (not retryable).
 */
export async function loadSceneAssets(
  paths: { readonly logoPath?: string | undefined; readonly backgroundPath?: string | undefined },
  size: { readonly width: number; readonly height: number },
): Promise<Result<SceneAssets, AssetImageFailure>> {
  const assets: { background?: Canvas; logo?: FittedLogo } = {};
  if (paths.backgroundPath !== undefined) {
    const image = await decode(paths.backgroundPath, 'background');
    if (image.isErr()) return err(image.error);
    assets.background = coverFit(image.value, size.width, size.height);
  }
  if (paths.logoPath !== undefined) {
    const image = await decode(paths.logoPath, 'logo');
    if (image.isErr()) return err(image.error);
    assets.logo = containFit(image.value, logoBox(size.width, size.height));
  }
  return ok(assets);
}

/** The box (px) a logo is fitted into for a frame of `width` x `height`. */
export function logoBox(width: number, height: number): { width: number; height: number } {
  const side = Math.max(8, Math.round(Math.min(width, height) * LOGO_HEIGHT_SHARE));
  return { width: Math.max(side, Math.round(width * LOGO_MAX_WIDTH_SHARE)), height: side };
}

async function decode(path: string, role: 'logo' | 'background'): Promise<Result<Image, AssetImageFailure>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return err({
      message: `the ${role} image cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      retryable: code !== undefined && RETRYABLE_ERRNO.has(code),
    });
  }
  let image: Image;
  try {
    image = await loadImage(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return err({ message: `the ${role} image cannot be decoded (${reason})`, retryable: false });
  }
  if (image.width < 1 || image.height < 1)
    return err({ message: `the ${role} image has no pixels`, retryable: false });
  if (image.width * image.height > MAX_IMAGE_PIXELS)
    return err({
      message: `the ${role} image is ${image.width}x${image.height} px (at most ${MAX_IMAGE_PIXELS / 1e6} megapixels)`,
      retryable: false,
    });
  return ok(image);
}

/** `image` scaled to cover `width` x `height`, centred, the overflow cropped. */
function coverFit(image: Image, width: number, height: number): Canvas {
  const scale = Math.max(width / image.width, height / image.height);
  const sw = width / scale;
  const sh = height / scale;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, (image.width - sw) / 2, (image.height - sh) / 2, sw, sh, 0, 0, width, height);
  return canvas;
}

/** `image` scaled (up or down) to fit inside `box`, keeping its aspect ratio. */
function containFit(image: Image, box: { width: number; height: number }): FittedLogo {
  const scale = Math.min(box.width / image.width, box.height / image.height);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, 0, 0, width, height);
  return { image: canvas, width, height };
}
