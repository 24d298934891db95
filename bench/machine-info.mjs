// @ts-check
// What the numbers were measured on, for the header of the report.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) return m[1].trim();
  } catch {
    // not Linux: fall through to os.cpus()
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** HEAD, and whether tracked files differ from it (read-only git calls). */
function gitCommit() {
  try {
    const git = (/** @type {string[]} */ ...args) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', 'HEAD');
    // --no-optional-locks: status must not refresh (write) the index.
    const dirty = git('--no-optional-locks', 'status', '--porcelain', '--untracked-files=no') !== '';
    return { commit: head, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

export function machineInfo() {
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    /** 1-minute load average when the run began: other work on the machine skews every number. */
    loadAverage: loadavg()[0] ?? NaN,
    ...gitCommit(),
  };
}
