// How the bin refuses bad usage: one line naming the one wrong thing, a pointer to --help, exit 2.
// The whole usage is printed only when asked for.
import { parseArgs, type ParseArgsConfig } from "node:util";

export const BIN = "operations-manager-tasks-contract";

/** Where a command writes: the console in the bin, a buffer in a test. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Bad usage of a subcommand: the bin prints the message and a pointer to its --help, and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The subcommand whose --help to point at; none for the bin itself. */
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** What the bin prints for a UsageError. */
export function describeUsageError(error: UsageError): string {
  return `error: ${error.message}\nsee: ${BIN}${error.command ? ` ${error.command}` : ""} --help`;
}

type ParsedOptions = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** node:util's parseArgs (strict, no positionals), its refusals as UsageErrors of `command`. */
export function parseOptions(
  command: string,
  args: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
): ParsedOptions {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}
