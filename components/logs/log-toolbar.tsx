"use client";

import { useId } from "react";
import type { TLogFilter } from "./log-buffer";

const control =
  "rounded-md bg-white px-2 py-1 text-xs font-medium text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:cursor-not-allowed disabled:opacity-50";

/**
 * The log's controls: pause, filters (stage, stderr), search with previous/next, download.
 * Stateless: the viewer owns what they change.
 */
export function LogToolbar({
  operationId,
  paused,
  pendingCount,
  onTogglePause,
  stages,
  filter,
  onFilter,
  query,
  onQuery,
  matchCount,
  currentMatch,
  onStep,
}: {
  operationId: string;
  paused: boolean;
  /** Lines received while paused, not yet shown. */
  pendingCount: number;
  onTogglePause: () => void;
  stages?: { name: string; title: string }[];
  filter: TLogFilter;
  onFilter: (filter: TLogFilter) => void;
  query: string;
  onQuery: (query: string) => void;
  matchCount: number;
  /** 0-based; -1 when there is no match to be on. */
  currentMatch: number;
  onStep: (direction: 1 | -1) => void;
}) {
  const id = useId();
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-xs text-slate-700">
      <button
        type="button"
        className={control}
        onClick={onTogglePause}
        aria-pressed={paused}
        data-testid="log-pause"
      >
        {paused ? `Resume${pendingCount > 0 ? ` (${pendingCount} new)` : ""}` : "Pause"}
      </button>
      {stages && stages.length > 0 && (
        <span className="flex items-center gap-1.5">
          <label htmlFor={`${id}-stage`}>Stage</label>
          <select
            id={`${id}-stage`}
            className={control}
            value={filter.stage ?? ""}
            onChange={(e) => onFilter({ ...filter, stage: e.target.value || null })}
            data-testid="log-stage-filter"
          >
            <option value="">All stages</option>
            {stages.map((stage) => (
              <option key={stage.name} value={stage.name}>
                {stage.title}
              </option>
            ))}
          </select>
        </span>
      )}
      <label className="flex items-center gap-1.5">
        <input
          type="checkbox"
          className="h-3.5 w-3.5 rounded border-slate-300 accent-amber-600"
          checked={filter.stderrOnly}
          onChange={(e) => onFilter({ ...filter, stderrOnly: e.target.checked })}
          data-testid="log-stderr-only"
        />
        stderr only
      </label>
      <search className="flex items-center gap-1.5">
        <input
          type="search"
          aria-label="Search the log"
          placeholder="Search"
          className="w-48 rounded-md px-2 py-1 text-xs shadow-sm ring-1 ring-inset ring-slate-300 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
          value={query}
          onChange={(e) => onQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== "Enter") return;
            e.preventDefault();
            onStep(e.shiftKey ? -1 : 1);
          }}
          data-testid="log-search"
        />
        {query && (
          <span className="tabular-nums text-slate-500" aria-live="polite" data-testid="log-search-count">
            {matchCount === 0 ? "no matches" : `${currentMatch + 1} of ${matchCount}`}
          </span>
        )}
        <button
          type="button"
          className={control}
          onClick={() => onStep(-1)}
          disabled={matchCount === 0}
          aria-label="Previous match"
          data-testid="log-search-previous"
        >
          ↑
        </button>
        <button
          type="button"
          className={control}
          onClick={() => onStep(1)}
          disabled={matchCount === 0}
          aria-label="Next match"
          data-testid="log-search-next"
        >
          ↓
        </button>
      </search>
      <a
        href={`/api/operations/${operationId}/log`}
        download
        className={`${control} ml-auto`}
        data-testid="log-download"
      >
        Download log
      </a>
    </div>
  );
}
