/** Largest page {@link JobRepository.list} returns. */
export const JOB_LIST_MAX_LIMIT = 100;
//# sourceMappingURL=job-repository.js.map