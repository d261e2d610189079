export const ASSET_CONTENT_TYPES = {
    video: 'video/mp4',
    thumbnail: 'image/jpeg',
    subtitles: 'text/vtt; charset=utf-8',
};
export const assetKey = (asset, kind) => kind === 'video' ? asset.videoKey : kind === 'thumbnail' ? asset.thumbnailKey : asset.subtitlesKey;
//# sourceMappingURL=video-asset.js.map