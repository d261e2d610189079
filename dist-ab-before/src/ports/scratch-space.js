export {};
//# sourceMappingURL=scratch-space.js.map