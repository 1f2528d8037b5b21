import path from "node:path";

export const packageRoot = path.resolve(__dirname, "../..");
