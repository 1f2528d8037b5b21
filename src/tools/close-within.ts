// Closing servers on the way out, bounded: an open keep-alive connection, or a platform that never
// answers, can hold a server's close() open; by then the process has what it needs (the mock was
// told to stop, verify has its verdict), so it waits no longer than `ms`.

/** Resolves when every `closing` has settled or `ms` has passed, whichever is first; never rejects. */
export function closeWithin(ms: number, ...closing: Promise<unknown>[]): Promise<void> {
  return Promise.race([
    Promise.allSettled(closing).then(() => undefined),
    new Promise<void>((done) => setTimeout(done, ms).unref()),
  ]);
}
