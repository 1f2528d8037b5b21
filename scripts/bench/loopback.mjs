// A keep-alive node:http server on 127.0.0.1 (a free port) answering the two operations with their
// example envelopes; it can record what it receives, and counts the connections it accepted.
import http from "node:http";

export async function startLoopbackServer({ claim, finish }) {
  const answers = { claim: Buffer.from(claim), finish: Buffer.from(finish) };
  let connections = 0;
  const state = { recorded: null };
  const server = http.createServer({ keepAlive: true, keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (state.recorded) {
        const headers = Object.entries(req.headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        state.recorded.push({ method: req.method, url: req.url, headers, body: body === "" ? undefined : body });
      }
      const answer = req.url.endsWith("/claim") ? answers.claim : req.url.endsWith("/finish") ? answers.finish : null;
      if (req.method !== "POST" || !answer) {
        res.writeHead(404, { "Content-Type": "application/json" }).end('{"message":"not found"}');
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": answer.length }).end(answer);
    });
  });
  server.on("connection", () => connections++);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    get recorded() {
      return state.recorded;
    },
    set recorded(value) {
      state.recorded = value;
    },
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
