// Types of spec.cjs, for the tests (TypeScript) and editors.
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type FoundOperation = { path: string; method: string; operation: JsonObject; pathItem: JsonObject };

export declare const repoRoot: string;
export declare const specPath: string;
export declare function loadSpec(file?: string): JsonObject;
export declare function escapePointer(segment: string | number): string;
export declare function decodePointer(pointer: string): string[];
export declare function pointer(spec: JsonObject, ref: string): Json | undefined;
export declare function deref(spec: JsonObject, node: Json | undefined, maxHops?: number): Json | undefined;
export declare function operations(spec: JsonObject): Generator<FoundOperation>;
export declare function findOperation(spec: JsonObject, operationId: string): FoundOperation;
export declare function parameterExample(spec: JsonObject, operationId: string, name: string): Json | undefined;
export declare function responseExamples(
  spec: JsonObject,
  operationId: string,
  status: string | number,
  mediaType?: string,
): Record<string, Json>;
