// Names for the generated types; every shape here is openapi-typescript's, none is restated.
import type { components, operations, paths } from "../../generated/schema.js";

export type { components, operations, paths };

type Schemas = components["schemas"];

export type Task = Schemas["Task"];
export type TaskMetrics = Schemas["TaskMetrics"];
export type TaskVariables = Schemas["TaskVariables"];
export type Job = Schemas["Job"];
export type JobMetrics = Schemas["JobMetrics"];
export type JobTask = Schemas["JobTask"];
export type JobVariable = Schemas["JobVariable"];
export type JobVariablePointer = Schemas["JobVariablePointer"];
export type Group = Schemas["Group"];
export type User = Schemas["User"];
export type UserReference = Schemas["UserReference"];
export type Decorator = Schemas["Decorator"];
export type JobMessage = Schemas["JobMessage"];
export type ValidationError = Schemas["ValidationError"];
export type ErrorBody = Schemas["Error"];
export type TaskData = Schemas["TaskData"];
export type FinishManualTaskBody = Schemas["FinishManualTaskBody"];
export type ClaimTaskResponse = Schemas["ClaimTaskResponse"];
export type FinishManualTaskResponse = Schemas["FinishManualTaskResponse"];

export type OperationId = keyof operations;
export type ClaimTaskPathParams = operations["claimTask"]["parameters"]["path"];
export type FinishManualTaskPathParams = operations["finishManualTask"]["parameters"]["path"];
