export {};
//# sourceMappingURL=job-event.js.map