import { fileURLToPath } from "node:url";

/** The installed package's folder: this module is built to dist/<format>/src/tools/spec/. */
export const packageRoot = fileURLToPath(new URL("../../../../../", import.meta.url));
