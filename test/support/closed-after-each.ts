// Servers that a test starts and must not outlive it: the fake platforms of the auth and hostile
// tests, each closed after the test that started it.

/**
 * `start`, wrapped so that each server it starts is closed after the test that started it. It
 * registers an afterEach hook: call it at a file's top level.
 */
export function closedAfterEach<O, S extends { close(): Promise<unknown> }>(
  start: (options?: O) => Promise<S>,
): (options?: O) => Promise<S> {
  const started: S[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return async (options) => {
    const server = await start(options);
    started.push(server);
    return server;
  };
}
