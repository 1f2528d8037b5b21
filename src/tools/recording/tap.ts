// A tap between verify's Prism proxy and the platform, on 127.0.0.1: it forwards each request as
// it is and hands over the platform's answer exactly as given, before Prism judges it. Prism
// replaces an answer that breaks the contract with its own 500 problem; the tap keeps the evidence.
// A redirect reaches Prism without its Location (as `x-location-not-followed`): Prism's forwarder
// follows redirects, and would re-send a claim to wherever one points.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tooLarge, undecodedBody } from "../../http/transport.js";
import { MAX_RECORDING_BYTES, type Tapped } from "./format.js";
import { parseMediaType } from "../../util/media-type.js";
import { createRelay, incoming, type RelayAnswer } from "../relay.js";

export type { Tapped } from "./format.js";

/** A call the platform never answered: what happened, in words that name the host and port only. */
interface NoAnswer {
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
  /**
   * What went wrong in `onAnswer` (our own processing), when it threw: whole, as it may quote the
   * answer; whoever shows it scrubs it first, then cuts it.
   */
  failed?: string;
}

interface TapHooks {
  /** Each call that got no answer at all: the tap then answers Prism a 502 of its own, which is no status of the platform's. */
  onNoAnswer?(failure: NoAnswer): void;
  /** Each answer past the bound, and each one `onAnswer` threw on: the platform answered. */
  onNotTaken?(answer: NotTaken): void;
  /** The most decoded bytes of one answer read (gzip, br… inflated); 64 MB, what a recording may hold, by default. */
  maxBytes?: number;
}

/**
 * `timeoutMs` bounds each forwarded call, body included: a platform that never ends an answer cannot hold the tap.
 * The call goes through the one http relay (tools/relay.ts), which reads the answer, decoded,
 * through a bound of `maxBytes`: past it, reading stops (nothing more is downloaded or inflated),
 * `onNotTaken` is told, and Prism gets a 502 of the tap's.
 * `onAnswer` runs once the answer is read, outside the forwarding: were it to throw, the answer
 * is still relayed and `onNotTaken` says so (our failure is never the platform's silence). It also
 * gets the answer's headers as the relay read them (names and values in turn), before Prism's.
 */
export async function startTap(
  upstream: string,
  onAnswer: (answer: Tapped, headers: readonly string[]) => void,
  timeoutMs: number,
  hooks: TapHooks = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const maxBytes = hooks.maxBytes ?? MAX_RECORDING_BYTES;
  // A new connection each call: a claim sent on a kept-alive socket the platform has just closed
  // would be told as a reset, and never re-sent.
  const relay = createRelay(upstream, {
    timeoutMs,
    maxRequestBytes: maxBytes,
    maxAnswerBytes: maxBytes,
    decode: true,
  });
  const server = createServer((req, res) => {
    const method = req.method ?? "GET";
    const where = (req.url ?? "/").split("?")[0]!;
    void relay
      .readBody(req)
      .then(async (body) => {
        if (body === "aborted") return;
        if (body === "too large") {
          res
            .writeHead(413, { "Content-Type": "text/plain", Connection: "close" })
            .end(`the tap passes on no request body over ${maxBytes} bytes`);
          return;
        }
        let answer: RelayAnswer;
        try {
          answer = await relay.forward(incoming(req, body));
        } catch (error) {
          const over = tooLarge(error);
          if (over) {
            hooks.onNotTaken?.({ method, path: where, status: over.status, tooLarge: over.maxBytes });
            res
              .writeHead(502, { "Content-Type": "text/plain" })
              .end(`the tap read no more of the platform's ${over.status} answer: over ${over.maxBytes} bytes`);
            return;
          }
          const reason = relay.noAnswerReason(error);
          hooks.onNoAnswer?.({ method, path: where, reason });
          res
            .writeHead(502, { "Content-Type": "text/plain" })
            .end(`the tap got no answer from the platform: ${reason}`);
          return;
        }
        const contentType = answer.headers.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === "content-type");
        const tapped: Tapped = {
          method,
          path: where,
          status: answer.status,
          contentType: parseMediaType(contentType < 0 ? null : answer.headers[contentType + 1]),
          // Still compressed (a coding the relay does not decode), bytes are no text: shown, they
          // would carry a compressed echo of a secret past every scrubbing.
          text: answer.undecoded ? undecodedBody(answer.body.length) : answer.body.toString("utf8"),
        };
        try {
          onAnswer(tapped, answer.headers);
        } catch (error) {
          hooks.onNotTaken?.({
            method,
            path: where,
            status: answer.status,
            failed: error instanceof Error ? `${error.name}: ${error.message}` : "a failure",
          });
        }
        // Prism's forwarder follows redirects: the Location is handed on under a name it does not follow.
        const headers = answer.headers.map((name, i) =>
          i % 2 === 0 && name.toLowerCase() === "location" ? "x-location-not-followed" : name,
        );
        res.writeHead(answer.status, answer.statusMessage, headers).end(answer.body);
      })
      .catch((error: unknown) => {
        // Anything this handler failed on is the tap's 502, never a crash of verify: a throw here
        // would be an unhandled rejection.
        const code = (error as { code?: unknown } | null)?.code;
        const reason = `the tap could not pass the answer on (${typeof code === "string" ? code : "an error"})`;
        hooks.onNoAnswer?.({ method, path: where, reason });
        if (res.headersSent) res.destroy();
        else res.writeHead(502, { "Content-Type": "text/plain" }).end(reason);
      });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          relay.close();
          resolve();
        });
      }),
  };
}
