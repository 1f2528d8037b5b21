// Types of build-stamp.cjs, for the tests (TypeScript) and editors.
export declare const STAMP: string;
export declare function isStale(root?: string): boolean;
