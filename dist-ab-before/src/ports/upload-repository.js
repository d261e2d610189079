/** Largest page {@link UploadRepository.list} returns. */
export const UPLOAD_LIST_MAX_LIMIT = 100;
//# sourceMappingURL=upload-repository.js.map