// A tap between verify's Prism proxy and the platform, on 127.0.0.1: it forwards each request as
// it is and hands over the platform's answer exactly as given, before Prism judges it. Prism
// replaces an answer that breaks the contract with its own 500 problem; the tap keeps the evidence.
// A redirect reaches Prism without its Location (as `x-location-not-followed`): Prism's forwarder
// follows redirects, and would re-send a claim to wherever one points.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface Tapped {
  method: string;
  /** The request's path, without its query (which may carry a token). */
  path: string;
  status: number;
  contentType: string | null;
  text: string;
}

/** Hop-by-hop headers and those the relayed body no longer matches (fetch decodes gzip). */
const NOT_RELAYED = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host", "upgrade", "proxy-connection"]);

/** `timeoutMs` bounds each forwarded call, body included: a platform that never ends an answer cannot hold the tap. */
export async function startTap(upstream: string, onAnswer: (answer: Tapped) => void, timeoutMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const base = upstream.replace(/\/$/, "");
  const server = createServer((req, res) => {
    void forward(req).then(
      ({ status, headers, body }) => {
        res.writeHead(status, headers).end(body);
      },
      (error: unknown) => {
        res.writeHead(502, { "Content-Type": "text/plain" }).end(`the tap could not reach the platform: ${(error as Error)?.message ?? error}`);
      },
    );
  });

  async function forward(req: IncomingMessage) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || NOT_RELAYED.has(name)) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const response = await fetch(base + url, {
      method,
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      ...(chunks.length && method !== "GET" && method !== "HEAD" ? { body: Buffer.concat(chunks) } : {}),
    });
    // Whole: a cut could leave the start of a secret where the redactor no longer sees all of it.
    const body = Buffer.from(await response.arrayBuffer());
    const contentType = response.headers.get("content-type");
    onAnswer({ method, path: url.split("?")[0]!, status: response.status, contentType: contentType?.split(";")[0]!.trim() ?? null, text: body.toString("utf8") });
    const relayed: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (name === "location") relayed["x-location-not-followed"] = value;
      else if (!NOT_RELAYED.has(name) && name !== "set-cookie") relayed[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length) relayed["set-cookie"] = cookies;
    return { status: response.status, headers: relayed, body };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
