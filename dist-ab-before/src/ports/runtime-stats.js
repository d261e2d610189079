export {};
//# sourceMappingURL=runtime-stats.js.map