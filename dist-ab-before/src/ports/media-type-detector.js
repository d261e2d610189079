export {};
//# sourceMappingURL=media-type-detector.js.map