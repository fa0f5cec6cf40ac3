// Reads a process's resident memory and CPU time from /proc, and samples them over time (Linux).
import { readFileSync } from "node:fs";

const CLOCK_TICKS = 100; // USER_HZ on Linux (sysconf(_SC_CLK_TCK)); /proc/<pid>/stat counts in these

/** Resident set size in bytes, or undefined when the process is gone. */
export function readRss(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds used so far, or undefined when the process is gone. */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" "); // fields from #3 (state) on
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // #14 utime, #15 stime
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs`, keeping the peak since the last reset. */
export class Sampler {
  peak = 0;
  last = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly pid: number,
    everyMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  /** Takes a sample now; returns the RSS (0 when the process is gone). */
  sample(): number {
    const rss = readRss(this.pid) ?? 0;
    this.last = rss;
    if (rss > this.peak) this.peak = rss;
    return rss;
  }

  /** Starts a new peak window at the current value. */
  resetPeak(): void {
    this.peak = this.sample();
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
  }
}
