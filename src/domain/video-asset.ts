/**
 * The stored result of a completed job: storage keys of its files and the facts ffprobe
 * reported about the video.
 */
export interface VideoAsset {
  /** Object-storage key of the MP4. */
  readonly videoKey: string;
  /** Object-storage key of the JPEG thumbnail. */
  readonly thumbnailKey: string;
  /** Object-storage key of the WebVTT subtitles. */
  readonly subtitlesKey: string;
  /** Size of the MP4 in bytes. */
  readonly sizeBytes: number;
  /** Duration of the MP4 in seconds. */
  readonly durationSeconds: number;
  /** Frame width in pixels. */
  readonly width: number;
  /** Frame height in pixels. */
  readonly height: number;
  /** Frames per second. */
  readonly fps: number;
  /** Video codec name as ffprobe reports it, e.g. `h264`. */
  readonly videoCodec: string;
  /** Audio codec name as ffprobe reports it, e.g. `aac`; `null` for a silent video. */
  readonly audioCodec: string | null;
  /** Overall bitrate in bits per second. */
  readonly bitrate: number;
  /** Hex SHA-256 of the MP4's bytes (also its strong ETag). */
  readonly sha256: string;
  /** Version id of the stored MP4 when the bucket is versioned. */
  readonly versionId?: string;
}

/** Which stored file of a job's result is meant. */
export type AssetKind = 'video' | 'thumbnail' | 'subtitles';

export const ASSET_CONTENT_TYPES: Record<AssetKind, string> = {
  video: 'video/mp4',
  thumbnail: 'image/jpeg',
  subtitles: 'text/vtt; charset=utf-8',
};

export const assetKey = (asset: VideoAsset, kind: AssetKind): string =>
  kind === 'video' ? asset.videoKey : kind === 'thumbnail' ? asset.thumbnailKey : asset.subtitlesKey;
