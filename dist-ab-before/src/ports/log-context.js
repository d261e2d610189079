export {};
//# sourceMappingURL=log-context.js.map