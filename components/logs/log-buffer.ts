import type { TLogLine } from "@/lib/logs/line";
import { plainText } from "./ansi";

/**
 * Every line a viewer has received, in plain arrays outside React state, so that appending
 * 100,000 lines costs no render each (the viewer renders once per animation frame). Lines that
 * arrive while paused wait in `pending`, counted, until `resume()`.
 */
export class LogBuffer {
  /** The lines on show, in seq order. */
  readonly lines: TLogLine[] = [];
  private pending: TLogLine[] = [];
  private lastSeqHeld = 0;
  private isPaused = false;
  private readonly lowered = new WeakMap<TLogLine, string>();

  /** The last line received, shown or pending: a reopened stream continues after it. */
  get lastSeq(): number {
    return this.lastSeqHeld;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Keeps a line unless it is one already held (a replay after a reconnect); false then. */
  add(line: TLogLine): boolean {
    if (line.seq <= this.lastSeqHeld) return false;
    this.lastSeqHeld = line.seq;
    (this.isPaused ? this.pending : this.lines).push(line);
    return true;
  }

  pause(): void {
    this.isPaused = true;
  }

  resume(): void {
    this.isPaused = false;
    for (const line of this.pending) this.lines.push(line);
    this.pending = [];
  }

  /** The visible text in lower case, for case-insensitive search; computed once per line. */
  searchText(line: TLogLine): string {
    let text = this.lowered.get(line);
    if (text === undefined) {
      text = plainText(line.text).toLowerCase();
      this.lowered.set(line, text);
    }
    return text;
  }
}

/**
 * The indices below `total` that pass a test, kept between renders: while `key` (what the test
 * depends on) stays the same only new indices are tested, so a live log is not rescanned each frame.
 */
export class IncrementalMatches {
  private key: string | undefined;
  private scanned = 0;
  private hits: number[] = [];

  update(key: string, total: number, test: (index: number) => boolean): readonly number[] {
    if (key !== this.key || total < this.scanned) {
      this.key = key;
      this.scanned = 0;
      this.hits = [];
    }
    for (let i = this.scanned; i < total; i++) if (test(i)) this.hits.push(i);
    this.scanned = total;
    return this.hits;
  }
}

export interface TLogFilter {
  /** Only this stage's lines; null for all. */
  stage: string | null;
  stderrOnly: boolean;
}

export const NO_FILTER: TLogFilter = { stage: null, stderrOnly: false };

export function isFiltering(filter: TLogFilter): boolean {
  return filter.stage !== null || filter.stderrOnly;
}

export function passes(line: TLogLine, filter: TLogFilter): boolean {
  if (filter.stderrOnly && line.stream !== "stderr") return false;
  return filter.stage === null || line.stage === filter.stage;
}

export function filterKey(filter: TLogFilter): string {
  return `${filter.stage ?? ""}\u0000${filter.stderrOnly ? 1 : 0}`;
}
