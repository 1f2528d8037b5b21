// What is left of a process group, and ending one: shared by the child helper (children.ts), the
// test environment that ends each test's children (environment.cjs) and the global teardown's
// last check. Plain CommonJS: the environment and the teardown load it outside ts-jest.
const { readdirSync, readFileSync } = require("node:fs");

/** The live (not zombie) processes of group `pgid`, as "pid command"; on Linux read from /proc. */
function groupMembers(pgid) {
  if (process.platform !== "linux") {
    try {
      process.kill(-pgid, 0);
      return [`process group ${pgid}`];
    } catch {
      return [];
    }
  }
  const members = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    const stat = readProc(pid, "stat");
    if (!stat) continue;
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ")".
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z") members.push(describe(pid));
  }
  return members;
}

/** "pid command line" of a live process, or just its pid when it is gone. */
function describe(pid) {
  const cmdline = readProc(pid, "cmdline");
  return `${pid} ${cmdline ? cmdline.replace(/\0+$/, "").split("\0").join(" ") : "(gone)"}`;
}

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits up to `ms` for group `pgid` to have no live process; resolves what is still there. */
async function groupGone(pgid, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const left = groupMembers(pgid);
    if (left.length === 0 || Date.now() >= until) return left;
    await sleep(50);
  }
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

/**
 * Ends group `pgid`. A group still running after `settleMs` (time for a process told to stop to go)
 * gets SIGTERM, then SIGKILL after `graceMs`. Resolves what was left running after `settleMs`
 * (empty when the group had ended by itself) and what survived SIGKILL.
 */
async function endGroup(pgid, { settleMs = 1000, graceMs = 2000 } = {}) {
  const left = await groupGone(pgid, settleMs);
  if (left.length === 0) return { left, survivors: [] };
  signalGroup(pgid, "SIGTERM");
  if ((await groupGone(pgid, graceMs)).length > 0) signalGroup(pgid, "SIGKILL");
  return { left, survivors: await groupGone(pgid, 2000) };
}

/**
 * Every live process (but this one and jest's workers) whose environment holds `marker`
 * ("NAME=value"), which every child of a test inherits; Linux only (/proc), else none.
 */
function processesWithMarker(marker) {
  if (process.platform !== "linux") return [];
  const found = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    if (Number(pid) === process.pid) continue;
    const environ = readProc(pid, "environ");
    if (!environ || !environ.split("\0").includes(marker)) continue;
    const stat = readProc(pid, "stat");
    if (!stat || stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
    const line = describe(pid);
    if (/jest-worker[/\\]build[/\\]workers[/\\]processChild\.js/.test(line)) continue;
    found.push(line);
  }
  return found;
}

module.exports = { groupMembers, groupGone, endGroup, processesWithMarker };
