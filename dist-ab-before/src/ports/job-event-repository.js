export {};
//# sourceMappingURL=job-event-repository.js.map