export {};
//# sourceMappingURL=audit-log.js.map