// The mock as a process (`npm start`, the bin's `mock`, `npx … mock`): waiting for its banner, and
// whether its port still accepts connections once it should be gone.
import type { ChildProcess } from "node:child_process";
import { connect } from "node:net";

/** Resolves true when something accepts a TCP connection at `url`, false when it is refused. */
export function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * The URL a starting mock prints, once its whole banner is out (the curl lines come after the
 * "listening on" line; "Stop with Ctrl+C" ends it). Rejects with what it printed when it exits
 * first or takes longer than `timeoutMs`. `printed()` gives everything printed so far.
 */
export function bannerUrl(child: ChildProcess, timeoutMs: number): { url: Promise<string>; printed: () => string } {
  let output = "";
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m && /Stop with Ctrl\+C/.test(output)) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the mock exited (${code}) before listening:\n${output}`));
    });
  });
  return { url, printed: () => output };
}
