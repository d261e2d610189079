export {};
//# sourceMappingURL=passage-retriever.js.map