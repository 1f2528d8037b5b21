export function groupMembers(pgid: number): string[];
export function groupGone(pgid: number, ms: number): Promise<string[]>;
export function endGroup(
  pgid: number,
  options?: { settleMs?: number; graceMs?: number },
): Promise<{ left: string[]; survivors: string[] }>;
export function processesWithMarker(marker: string): string[];
