export {};
//# sourceMappingURL=metrics-exposition.js.map