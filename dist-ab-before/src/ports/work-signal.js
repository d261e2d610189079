export {};
//# sourceMappingURL=work-signal.js.map