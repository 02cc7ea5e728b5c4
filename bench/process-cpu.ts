import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { allProcStats, type ProcStat } from '../test/support/proc-stat';

/** Linux reports process CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

/** A process and all its descendants (APY's forked servers and their translation pipelines). */
function treeTicks(roots: number[], processes: ProcStat[], withDescendants: boolean): Map<number, number> {
  const byParent = new Map<number, ProcStat[]>();
  for (const stat of processes) byParent.set(stat.ppid, [...(byParent.get(stat.ppid) ?? []), stat]);
  const byPid = new Map(processes.map((stat) => [stat.pid, stat]));
  const ticks = new Map<number, number>();
  const visit = (pid: number) => {
    const stat = byPid.get(pid);
    if (!stat || ticks.has(pid)) return;
    ticks.set(pid, stat.ticks);
    if (withDescendants) for (const child of byParent.get(pid) ?? []) visit(child.pid);
  };
  roots.forEach(visit);
  return ticks;
}

/** Whole-machine busy and total jiffies from /proc/stat (idle and iowait count as not busy). */
function machineJiffies(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3] - cpu[4], total };
}

export interface ProcessGroup {
  name: string;
  pids: () => number[];
  /** Count the processes' descendants too. */
  tree: boolean;
}

/**
 * CPU used by groups of processes between `start()` and `stop()`, in percent of one core (200 = two cores
 * busy), and the whole machine's (`machine`, same unit: at most 100 × cores). The groups' root processes
 * live through the whole pass; a descendant that exits counts through its parent's children time.
 */
export class CpuMeter {
  private before = new Map<string, Map<number, number>>();
  private machineBefore = machineJiffies();
  private startedAt = 0;

  constructor(private readonly groups: ProcessGroup[]) {}

  start(): void {
    const processes = allProcStats();
    this.before = new Map(this.groups.map((g) => [g.name, treeTicks(g.pids(), processes, g.tree)]));
    this.machineBefore = machineJiffies();
    this.startedAt = performance.now();
  }

  stop(): Record<string, number> {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const processes = allProcStats();
    const result: Record<string, number> = {};
    for (const group of this.groups) {
      // Sums over the processes at each end: a child that exited and was reaped in between is in its
      // parent's children time at the end, and in its own at the start.
      const sum = (ticks: Map<number, number>) => [...ticks.values()].reduce((a, b) => a + b, 0);
      const before = this.before.get(group.name) ?? new Map<number, number>();
      const ticks = sum(treeTicks(group.pids(), processes, group.tree)) - sum(before);
      result[group.name] = Math.round((ticks / TICKS_PER_SECOND / seconds) * 100);
    }
    const machine = machineJiffies();
    const share =
      (machine.busy - this.machineBefore.busy) / Math.max(1, machine.total - this.machineBefore.total);
    result.machine = Math.round(share * cpus().length * 100);
    // Whatever the groups do not explain: other people's jobs, short-lived processes, kernel work.
    const grouped = this.groups.reduce((sum, group) => sum + result[group.name], 0);
    result.other = Math.max(0, result.machine - grouped);
    return result;
  }
}

/**
 * Milliseconds a process's threads spent running and waiting in a run queue for a CPU (/proc/<pid>/task/
 * <tid>/schedstat). Waiting much beside running means the process was starved by others, not slow itself.
 */
export function schedulerTimes(pid: number): { runMs: number; waitMs: number } {
  const times = { runMs: 0, waitMs: 0 };
  let threads: string[] = [];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return times;
  }
  for (const tid of threads) {
    try {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      times.runMs += run / 1e6;
      times.waitMs += wait / 1e6;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return times;
}
