import type { ResultAsync } from 'neverthrow';

/** What to retrieve: the best `topK` passages of the owner's documents for `query`. */
export interface PassageQuery {
  readonly ownerId: string;
  /** Document uploads to search; each must exist and belong to `ownerId`. */
  readonly uploadIds: readonly string[];
  /** Free text (the video's topic and context). */
  readonly query: string;
  /** At most this many passages. */
  readonly topK: number;
}

/**
 * Retrieval could not run: an upload is missing, not the owner's or not a document, a document
 * cannot be read (corrupt PDF), or storage or the database failed. `retryable` says whether the
 * same query may succeed later.
 */
export interface RetrievalFailed {
  readonly type: 'RetrievalFailed';
  readonly uploadId: string | null;
  readonly message: string;
  readonly retryable: boolean;
}

/** Finds passages of uploaded documents relevant to a query (RAG, DESIGN §4 `planning`). */
export interface PassageRetriever {
  /** @returns passages, most relevant first (possibly fewer than `topK`, or none). */
  retrieve(query: PassageQuery): ResultAsync<string[], RetrievalFailed>;
}
