/**
 * Appends an audit row after the action it describes has happened. The action is not undone
 * when the row cannot be written (the database went away in between): the failure is logged at
 * error level with the whole row, so the record survives in the logs.
 */
export async function recordAudit(audit, logger, entry) {
    const recorded = await audit.record(entry);
    if (recorded.isErr())
        logger.error({ audit: { ...entry, at: entry.at.toISOString() }, err: recorded.error.message }, 'audit row not recorded');
}
//# sourceMappingURL=record-audit.js.map