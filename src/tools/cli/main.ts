// The bin's dispatch: `mock`, `verify`, `--help`. Bad usage is exit 2 with one line and a pointer
// to --help; the whole usage only when asked for.
import { verifyCommand } from "../verify/command.js";
import { mockCommand } from "./mock.js";
import { BIN, UsageError, describeUsageError, type Output } from "../usage.js";

const USAGE = `usage: ${BIN} <command> [options]
  mock      serve the contract as a Prism mock (${BIN} mock --help)
  verify    check a real platform's answers against the contract (${BIN} verify --help)
  -h, --help  this text
Both need Prism installed beside the package (see the README).`;

const COMMANDS: Record<string, (args: string[], env: NodeJS.ProcessEnv, output: Output) => Promise<number>> = {
  mock: mockCommand,
  verify: verifyCommand,
};

/** Runs the bin; resolves to its exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv, output: Output): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === "-h" || command === "--help" || command === "help") {
      output.out(USAGE);
      return 0;
    }
    if (command === undefined) throw new UsageError(`a command is required: ${Object.keys(COMMANDS).join(" or ")}`);
    const run = COMMANDS[command];
    if (!run)
      throw new UsageError(
        `unknown command ${JSON.stringify(command)} (commands: ${Object.keys(COMMANDS).join(", ")})`,
      );
    return await run(args, env, output);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(describeUsageError(error));
    return 2;
  }
}
