export {};
//# sourceMappingURL=identity-verifier.js.map