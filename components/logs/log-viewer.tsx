"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import {
  type ReactNode,
  useCallback,
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { StatusBadge } from "@/components/ui/status-badge";
import type { TLogLine, TOperationStatus } from "@/lib/logs/line";
import { filterKey, IncrementalMatches, isFiltering, NO_FILTER, passes, type TLogFilter } from "./log-buffer";
import { LogLineRow } from "./log-line-row";
import { LogToolbar } from "./log-toolbar";
import { type TConnection, useLogStream } from "./use-log-stream";

/** One unwrapped row: text-xs with leading-5. Wrapped rows are measured. */
const ROW_PX = 20;
const PAD_PX = 8;
/** Rows rendered beyond the visible ones, each side. */
const OVERSCAN = 20;
/**
 * Up to this many lines every row is in the page (find-in-page and copying the whole log work,
 * at no real cost); above it only the visible window is, so 100,000 lines stay responsive.
 */
const RENDER_ALL_UP_TO = 500;
/** How close to the bottom counts as "at the bottom", in pixels. */
const BOTTOM_SLACK_PX = 4;

const CONNECTION_WORDS: Record<TConnection, string> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
  ended: "ended",
};

const NO_MATCHES: readonly number[] = [];

export interface TLogViewerProps {
  operationId: string;
  initialStatus: TOperationStatus;
  initialError: string | null;
  /** The operation's stages, in order: shows a stage filter and tags each stage's first line. */
  stages?: { name: string; title: string }[];
  onStatus?: (status: TOperationStatus, error: string | null) => void;
  /** Bumped after the operation was queued again (a blocked run resumed): follow it anew. */
  generation?: number;
  /** The status to show until the re-opened stream says more (e.g. "queued" after a resume). */
  generationStatus?: TOperationStatus | null;
  /** Classes bounding the log panel's height. */
  height?: string;
  /** The page shows the error itself (e.g. a blocked run's instructions). */
  hideError?: boolean;
  /** What the operator can do about an error, shown under it. */
  errorAction?: (error: string) => ReactNode;
}

/**
 * An operation's log, live: follows the tail, pauses, filters by stage and stderr, searches,
 * renders ANSI colours, downloads the whole log, and survives dropped connections. Virtualized,
 * so 100,000 lines render only the rows on screen.
 */
export function LogViewer(props: TLogViewerProps) {
  // Another operation is another log: start from an empty buffer rather than append to this one.
  return <LogViewerPanel key={props.operationId} {...props} />;
}

function LogViewerPanel({
  operationId,
  initialStatus,
  initialError,
  stages,
  onStatus,
  generation = 0,
  generationStatus = null,
  height = "max-h-[60vh]",
  hideError = false,
  errorAction,
}: TLogViewerProps) {
  const [status, setStatus] = useState(initialStatus);
  const [error, setError] = useState(initialError);
  const statusListener = useRef(onStatus);
  statusListener.current = onStatus;
  const update = useCallback((next: TOperationStatus, nextError: string | null) => {
    setStatus(next);
    setError(nextError);
    statusListener.current?.(next, nextError);
  }, []);
  const restartStatus = useRef(generationStatus);
  restartStatus.current = generationStatus;
  useEffect(() => {
    // A resumed operation is queued again; its stream goes on after the last line shown.
    if (generation > 0 && restartStatus.current) update(restartStatus.current, null);
  }, [generation, update]);

  const { buffer, connection, refresh } = useLogStream({ operationId, generation, onStatus: update });
  const [filter, setFilter] = useState<TLogFilter>(NO_FILTER);
  const [query, setQuery] = useState("");
  const search = useDeferredValue(query.toLowerCase());
  const [matchIndex, setMatchIndex] = useState(0);
  const [filterIndex] = useState(() => new IncrementalMatches());
  const [searchIndex] = useState(() => new IncrementalMatches());

  // What is on show, derived on each render (at most one per frame) from the buffer's arrays.
  const lines = buffer.lines;
  const view = isFiltering(filter)
    ? filterIndex.update(filterKey(filter), lines.length, (i) => passes(lines[i] as TLogLine, filter))
    : null;
  const count = view ? view.length : lines.length;
  const lineAt = (i: number) => lines[view ? (view[i] as number) : i] as TLogLine;
  const matches = search
    ? searchIndex.update(`${filterKey(filter)}\u0000${search}`, count, (i) =>
        buffer.searchText(lineAt(i)).includes(search),
      )
    : NO_MATCHES;
  const currentMatch = matches.length === 0 ? -1 : Math.min(matchIndex, matches.length - 1);
  const currentRow = currentMatch >= 0 ? (matches[currentMatch] as number) : -1;

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    overscan: count <= RENDER_ALL_UP_TO ? count : OVERSCAN,
    paddingStart: PAD_PX,
    paddingEnd: PAD_PX,
    getItemKey: (i) => lineAt(i).seq,
  });

  // Following the tail: on while the operator is at the bottom, off once they scroll up.
  const [following, setFollowing] = useState(true);
  const followingRef = useRef(true);
  const lastAutoScrollTop = useRef(0);
  const [unseenFrom, setUnseenFrom] = useState(0);
  const follow = useCallback((on: boolean, seen = 0) => {
    followingRef.current = on;
    setFollowing(on);
    if (!on) setUnseenFrom(seen);
  }, []);
  const toBottom = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    lastAutoScrollTop.current = el.scrollTop;
  }, []);
  // After every render (new lines, rows measured): stay at the bottom while following.
  useLayoutEffect(() => {
    if (followingRef.current) toBottom();
  });

  const goToMatch = useCallback(
    (index: number, rows: readonly number[]) => {
      const row = rows[index];
      if (row === undefined) return;
      setMatchIndex(index);
      follow(false, count);
      virtualizer.scrollToIndex(row, { align: "center" });
    },
    [follow, count, virtualizer],
  );
  // A new search (or filter) jumps to its first match; later lines do not move the view.
  const jumpedFor = useRef("");
  useEffect(() => {
    const key = `${filterKey(filter)}\u0000${search}`;
    if (!search || jumpedFor.current === key || matches.length === 0) return;
    jumpedFor.current = key;
    goToMatch(0, matches);
  }, [search, filter, matches, goToMatch]);

  const items = virtualizer.getVirtualItems();
  const gutterCh = Math.max(3, String(buffer.lastSeq).length);
  const stageTitles = new Map(stages?.map((s) => [s.name, s.title]));
  const unseen = following ? 0 : Math.max(0, count - unseenFrom);

  return (
    <section className="grid gap-3" aria-label="Operation log">
      <div className="flex flex-wrap items-center gap-3">
        <StatusBadge status={status} testId="operation-status" />
        <span className="text-xs text-slate-500" data-testid="log-connection" data-state={connection}>
          {CONNECTION_WORDS[connection]}
        </span>
        <span className="text-xs tabular-nums text-slate-500" data-testid="log-count">
          {lines.length === 1 ? "1 line" : `${lines.length.toLocaleString("en-US")} lines`}
          {view ? `, ${count.toLocaleString("en-US")} shown` : ""}
        </span>
      </div>
      {error && !hideError && (
        <div className="grid gap-2 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700" role="alert">
          <p data-testid="operation-error">{error}</p>
          {errorAction?.(error)}
        </div>
      )}
      <LogToolbar
        operationId={operationId}
        paused={buffer.paused}
        pendingCount={buffer.pendingCount}
        onTogglePause={() => {
          if (buffer.paused) buffer.resume();
          else buffer.pause();
          refresh();
        }}
        stages={stages}
        filter={filter}
        onFilter={(next) => {
          setFilter(next);
          follow(true);
        }}
        query={query}
        onQuery={setQuery}
        matchCount={matches.length}
        currentMatch={currentMatch}
        onStep={(direction) =>
          goToMatch((currentMatch + direction + matches.length) % Math.max(1, matches.length), matches)
        }
      />
      <div className="relative">
        <div
          ref={scrollRef}
          role="log"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must take focus so keyboards can scroll it
          tabIndex={0}
          aria-label={`Log of operation ${operationId}`}
          className={`${height} overflow-auto rounded-lg bg-slate-950 font-mono text-xs leading-5`}
          data-testid="log"
          data-following={following ? "" : undefined}
          onScroll={(e) => {
            const el = e.currentTarget;
            const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX;
            if (atBottom && !followingRef.current) follow(true);
            else if (!atBottom && followingRef.current && el.scrollTop < lastAutoScrollTop.current - 1)
              follow(false, count);
          }}
        >
          {count === 0 ? (
            <p className="px-4 py-2 text-slate-500" data-testid="log-empty">
              {lines.length === 0 ? "Waiting for output…" : "No lines match the filter."}
            </p>
          ) : (
            <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
              <div
                className="absolute top-0 left-0 w-full"
                style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}
              >
                {items.map((item) => {
                  const line = lineAt(item.index);
                  const previous = item.index > 0 ? lineAt(item.index - 1) : undefined;
                  const stageTitle =
                    line.stage && line.stage !== previous?.stage
                      ? (stageTitles.get(line.stage) ?? line.stage)
                      : null;
                  return (
                    <LogLineRow
                      key={item.key}
                      ref={virtualizer.measureElement}
                      index={item.index}
                      line={line}
                      gutterCh={gutterCh}
                      stageTitle={stageTitle}
                      query={search}
                      current={item.index === currentRow}
                    />
                  );
                })}
              </div>
            </div>
          )}
        </div>
        {!following && count > 0 ? (
          <button
            type="button"
            className="absolute right-4 bottom-3 rounded-full bg-sky-600 px-3 py-1 text-xs font-medium text-white shadow-lg hover:bg-sky-500 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-300"
            onClick={() => {
              follow(true);
              toBottom();
            }}
            data-testid="log-jump-latest"
          >
            Jump to latest{unseen > 0 ? ` (${unseen.toLocaleString("en-US")} new)` : ""}
          </button>
        ) : null}
      </div>
    </section>
  );
}
