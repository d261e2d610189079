/** Makes unique, time-ordered identifiers (UUID v7, RFC 9562). */
export interface IdGenerator {
  next(): string;
}
