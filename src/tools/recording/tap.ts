// A tap between verify's Prism proxy and the platform, on 127.0.0.1: it forwards each request as
// it is and hands over the platform's answer exactly as given, before Prism judges it. Prism
// replaces an answer that breaks the contract with its own 500 problem; the tap keeps the evidence.
// A redirect reaches Prism without its Location (as `x-location-not-followed`): Prism's forwarder
// follows redirects, and would re-send a claim to wherever one points.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { RequestCarrier, tooLarge, unpackingFetch } from "../../http/transport.js";
import { MAX_RECORDING_BYTES, type Tapped } from "./format.js";
import { parseMediaType } from "../../util/media-type.js";
import { noAnswerReason } from "../relay.js";

export type { Tapped } from "./format.js";

/** Hop-by-hop headers and those the relayed body no longer matches (fetch decodes gzip). */
const NOT_RELAYED = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "host",
  "upgrade",
  "proxy-connection",
]);

/** A call the platform never answered: what happened, in words that name the host and port only. */
export interface NoAnswer {
  method: string;
  path: string;
  reason: string;
}

/** An answer the platform gave that the tap did not take whole: past the bound, or one our own processing failed on. */
export interface NotTaken {
  method: string;
  path: string;
  /** The platform's status: it answered. */
  status: number;
  /** Set when the body ran past `maxBytes` decoded bytes (reading stopped there). */
  tooLarge?: number;
  /** What went wrong in `onAnswer` (our own processing), when it threw. */
  failed?: string;
}

export interface TapHooks {
  /** Each call that got no answer at all: the tap then answers Prism a 502 of its own, which is no status of the platform's. */
  onNoAnswer?(failure: NoAnswer): void;
  /** Each answer past the bound, and each one `onAnswer` threw on: the platform answered. */
  onNotTaken?(answer: NotTaken): void;
  /** The most decoded bytes of one answer read (gzip, br… inflated); 64 MB, what a recording may hold, by default. */
  maxBytes?: number;
}

/**
 * `timeoutMs` bounds each forwarded call, body included: a platform that never ends an answer cannot hold the tap.
 * An answer is read through the client's size bound (src/http/transport.ts): past it, reading
 * stops (nothing more is downloaded or inflated), `onNotTaken` is told, and Prism gets a 502 of the tap's.
 * `onAnswer` runs once the answer is read, outside the forwarding: were it to throw, the answer
 * is still relayed and `onNotTaken` says so (our failure is never the platform's silence).
 */
export async function startTap(
  upstream: string,
  onAnswer: (answer: Tapped) => void,
  timeoutMs: number,
  hooks: TapHooks = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const base = upstream.replace(/\/$/, "");
  const maxBytes = hooks.maxBytes ?? MAX_RECORDING_BYTES;
  const bounded = unpackingFetch(() => fetch, maxBytes);
  const server = createServer((req, res) => {
    const method = req.method ?? "GET";
    const where = (req.url ?? "/").split("?")[0]!;
    void forward(req).then(
      ({ status, headers, body, answer }) => {
        try {
          onAnswer(answer);
        } catch (error) {
          hooks.onNotTaken?.({
            method,
            path: where,
            status,
            failed: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : "a failure",
          });
        }
        res.writeHead(status, headers).end(body);
      },
      (error: unknown) => {
        const over = tooLarge(error);
        if (over) {
          hooks.onNotTaken?.({ method, path: where, status: over.status, tooLarge: over.maxBytes });
          res
            .writeHead(502, { "Content-Type": "text/plain" })
            .end(`the tap read no more of the platform's ${over.status} answer: over ${over.maxBytes} bytes`);
          return;
        }
        const reason = noAnswerReason(error, base, timeoutMs);
        hooks.onNoAnswer?.({ method, path: where, reason });
        res.writeHead(502, { "Content-Type": "text/plain" }).end(`the tap got no answer from the platform: ${reason}`);
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
    const response = await bounded(
      new RequestCarrier(base + url, {
        method,
        headers,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
        ...(chunks.length && method !== "GET" && method !== "HEAD" ? { body: Buffer.concat(chunks) } : {}),
      }),
    );
    // Whole or not at all: a cut could leave the start of a secret where the redactor no longer sees all of it.
    const body = Buffer.from(await response.arrayBuffer());
    const contentType = response.headers.get("content-type");
    const answer: Tapped = {
      method,
      path: url.split("?")[0]!,
      status: response.status,
      contentType: parseMediaType(contentType),
      text: body.toString("utf8"),
    };
    const relayed: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (name === "location") relayed["x-location-not-followed"] = value;
      else if (!NOT_RELAYED.has(name) && name !== "set-cookie") relayed[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length) relayed["set-cookie"] = cookies;
    return { status: response.status, headers: relayed, body, answer };
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
