import { readdirSync, readFileSync } from 'node:fs';

/** One process as Linux's /proc/<pid>/stat describes it. */
export interface ProcStat {
  pid: number;
  /** R, S, D, Z (exited, not yet reaped), ... */
  state: string;
  ppid: number;
  /** process group id */
  pgrp: number;
  /** user + system time in clock ticks, its own and that of the children it has waited for */
  ticks: number;
}

/**
 * The fields are read after the command name, which may itself contain spaces and parentheses. Undefined
 * for a process that exited meanwhile.
 */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, pgrp 5, utime 14, stime 15, and 16-17 the same for
  // children it has waited for (so that a helper process started and reaped during a measurement counts).
  const ticks = fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0);
  return { pid, state: fields[0], ppid: Number(fields[1]), pgrp: Number(fields[2]), ticks };
}

export function allProcStats(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== undefined);
}
