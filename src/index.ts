export { createOperationsManagerClient } from "./client.js";
export type { CallOptions, OperationsManagerClient, OperationsManagerClientOptions } from "./client.js";
export type { AuthOptions, BasicAuth, ClientCredentialsAuth, LoginAuth, TokenAuth } from "./auth.js";
export { OperationsManagerError, isOperationsManagerError } from "./errors.js";
export type { OperationsManagerErrorKind } from "./errors.js";
export type { Fetch } from "./transport.js";
export type { ValidateContext, ValidateOption, Violation } from "./validation.js";
export * from "./types.js";
