export {};
//# sourceMappingURL=object-storage.js.map