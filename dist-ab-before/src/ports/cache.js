export {};
//# sourceMappingURL=cache.js.map