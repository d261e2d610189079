/** Largest page {@link ConfigurationRepository.list} returns. */
export const CONFIGURATION_LIST_MAX_LIMIT = 100;
//# sourceMappingURL=configuration-repository.js.map