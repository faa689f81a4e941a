"use client";

import { memo, type ReactNode, type Ref, useMemo } from "react";
import type { TLogLine } from "@/lib/logs/line";
import { parseAnsi, type TAnsiSegment } from "./ansi";

const STREAM_STYLE: Record<TLogLine["stream"], string> = {
  stdout: "text-slate-100 border-transparent",
  stderr: "text-amber-300 border-amber-500/70 bg-amber-500/5",
  system: "text-sky-300 border-sky-500/50 italic",
};

/** Where `query` (lower case) occurs in `text`, as [start, end) ranges. */
function matchRanges(text: string, query: string): [number, number][] {
  if (!query) return [];
  const lower = text.toLowerCase();
  // Lower-casing a few characters changes the length; positions would not line up, so no marks.
  if (lower.length !== text.length) return [];
  const ranges: [number, number][] = [];
  for (let at = lower.indexOf(query); at !== -1; at = lower.indexOf(query, at + query.length))
    ranges.push([at, at + query.length]);
  return ranges;
}

/** The styled runs, with the search matches cut out of them and marked. */
function renderSegments(segments: TAnsiSegment[], ranges: [number, number][], current: boolean): ReactNode[] {
  const out: ReactNode[] = [];
  let offset = 0;
  let r = 0;
  segments.forEach((segment, s) => {
    const end = offset + segment.text.length;
    let pos = offset;
    while (pos < end) {
      while (ranges[r] !== undefined && (ranges[r] as [number, number])[1] <= pos) r += 1;
      const range = ranges[r];
      const inMatch = range !== undefined && range[0] <= pos;
      const stop = range === undefined ? end : Math.min(end, inMatch ? range[1] : range[0]);
      const key = `${s}:${pos}`;
      const span = (
        <span key={key} className={segment.className || undefined} style={segment.style}>
          {segment.text.slice(pos - offset, stop - offset)}
        </span>
      );
      out.push(
        inMatch ? (
          <mark
            key={key}
            className={`rounded-sm text-slate-950 ${current ? "bg-orange-400" : "bg-yellow-200"}`}
            data-testid="log-match"
          >
            {span}
          </mark>
        ) : (
          span
        ),
      );
      pos = stop;
    }
    offset = end;
  });
  return out;
}

/**
 * One log line: its number (seq), an optional stage tag, and its text with ANSI colours as
 * styled spans (never HTML from the log). `data-index` and the ref let the virtualizer measure it.
 */
export const LogLineRow = memo(function LogLineRow({
  line,
  index,
  gutterCh,
  stageTitle,
  query,
  current,
  ref,
}: {
  line: TLogLine;
  index: number;
  /** Width of the line-number column, in characters, so every row lines up. */
  gutterCh: number;
  /** Shown on the first line of a stage. */
  stageTitle: string | null;
  /** The search, lower case; empty for none. */
  query: string;
  /** This line is the search match the operator is on. */
  current: boolean;
  ref: Ref<HTMLDivElement>;
}) {
  const segments = useMemo(() => parseAnsi(line.text), [line.text]);
  const ranges = useMemo(() => matchRanges(segments.map((s) => s.text).join(""), query), [segments, query]);
  return (
    <div
      ref={ref}
      data-index={index}
      data-testid="log-line"
      data-seq={line.seq}
      data-stream={line.stream}
      data-stage={line.stage}
      data-current-match={current ? "" : undefined}
      className={`flex gap-3 border-l-2 px-3 ${STREAM_STYLE[line.stream]} ${current ? "bg-slate-800" : ""}`}
    >
      <span
        className="shrink-0 select-none text-right text-slate-600"
        style={{ width: `${gutterCh}ch` }}
        aria-hidden
      >
        {line.seq}
      </span>
      <span className="min-w-0 whitespace-pre-wrap break-all">
        {stageTitle && (
          <span className="mr-2 select-none rounded bg-slate-800 px-1.5 not-italic text-slate-300">
            {stageTitle}
          </span>
        )}
        {renderSegments(segments, ranges, current)}
      </span>
    </div>
  );
});
