/** Application-level expected failures (beyond the domain's and the ports'). */
export {};
//# sourceMappingURL=errors.js.map