export { createOperationsManagerClient } from "./client/create-client.js";
export type { CallOptions, OperationsManagerClient, OperationsManagerClientOptions } from "./client/create-client.js";
export type { AuthOptions, BasicAuth, ClientCredentialsAuth, LoginAuth, TokenAuth } from "./auth/authenticator.js";
export { OperationsManagerError, isOperationsManagerError } from "./errors/operations-manager-error.js";
export type { OperationsManagerErrorKind } from "./errors/operations-manager-error.js";
export type { Fetch } from "./http/transport.js";
export type { ValidateContext, ValidateOption, Violation } from "./contract/validation.js";
export * from "./contract/types.js";
