export {};
//# sourceMappingURL=job-events.js.map