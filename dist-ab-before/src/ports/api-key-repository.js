export {};
//# sourceMappingURL=api-key-repository.js.map