/** Work signal within one process (embedded database: API and worker share the process). */
export class InProcessWorkSignal {
    listeners = new Set();
    async notify() {
        for (const listener of [...this.listeners]) {
            try {
                listener();
            }
            catch {
                // A listener's failure must not stop the others.
            }
        }
    }
    async subscribe(listener) {
        const own = () => listener();
        this.listeners.add(own);
        return async () => {
            this.listeners.delete(own);
        };
    }
}
//# sourceMappingURL=in-process-work-signal.js.map