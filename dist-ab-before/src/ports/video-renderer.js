export {};
//# sourceMappingURL=video-renderer.js.map