export {};
//# sourceMappingURL=batch-repository.js.map