/** The metrics of this process in a scrapeable text format (Prometheus exposition). */
export interface MetricsExposition {
  /** The media type of `render()`'s output, e.g. `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string;
  /** Collects every metric now (including gauges read at scrape time) and renders them. */
  render(): Promise<string>;
}
