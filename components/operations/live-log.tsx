"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { StatusBadge } from "@/components/ui/status-badge";
import type { TLogLine, TOperationStatus } from "@/lib/logs/line";

const STREAM_STYLE: Record<TLogLine["stream"], string> = {
  stdout: "text-slate-100",
  stderr: "text-amber-300",
  system: "text-sky-300",
};

/** Failures the operator resolves on the host page's key panel, not by retrying. */
const HOST_KEY_FAILURE = /^(Host key not yet trusted|Host key changed)/;

/**
 * Follows an operation's log over Server-Sent Events. EventSource reconnects by itself and
 * sends Last-Event-ID, so the server resumes after the last line shown: none lost, none twice.
 * A blocked operation's stream ends; when the operator resumes it, the parent bumps `generation`
 * and the log opens again after the last line it has, on the same operation.
 */
export function LiveLog({
  operationId,
  hostId,
  initialStatus,
  initialError,
  generation = 0,
  generationStatus = null,
  onStatus,
  hideError = false,
}: {
  operationId: string;
  hostId: string;
  initialStatus: TOperationStatus;
  initialError: string | null;
  /** Bumped after the operation was queued again (a blocked run resumed): follow it anew. */
  generation?: number;
  /** The status to show until the re-opened stream says more (e.g. "queued" after a resume). */
  generationStatus?: TOperationStatus | null;
  onStatus?: (status: TOperationStatus, error: string | null) => void;
  /** The page shows the error itself (e.g. a blocked run's instructions). */
  hideError?: boolean;
}) {
  const [lines, setLines] = useState<TLogLine[]>([]);
  const [status, setStatus] = useState(initialStatus);
  const [error, setError] = useState(initialError);
  const [connection, setConnection] = useState<"connecting" | "live" | "ended" | "lost">("connecting");
  const bottom = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const lastSeq = useRef(0);
  const statusListener = useRef(onStatus);
  statusListener.current = onStatus;
  const restartStatus = useRef(generationStatus);
  restartStatus.current = generationStatus;

  useEffect(() => {
    const update = (next: TOperationStatus, nextError: string | null) => {
      setStatus(next);
      setError(nextError);
      statusListener.current?.(next, nextError);
    };
    // A resumed operation is queued again; its stream goes on after the last line shown.
    if (generation > 0 && restartStatus.current) update(restartStatus.current, null);
    setConnection("connecting");
    const after = lastSeq.current;
    const source = new EventSource(
      `/api/operations/${operationId}/events${after > 0 ? `?after=${after}` : ""}`,
    );
    source.onopen = () => setConnection("live");
    source.addEventListener("line", (e) => {
      const line = JSON.parse((e as MessageEvent<string>).data) as TLogLine;
      if (line.seq <= lastSeq.current) return;
      lastSeq.current = line.seq;
      setLines((prev) =>
        prev.length > 0 && (prev[prev.length - 1] as TLogLine).seq >= line.seq ? prev : [...prev, line],
      );
    });
    source.addEventListener("status", (e) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as {
        status: TOperationStatus;
        error: string | null;
      };
      update(data.status, data.error);
    });
    source.addEventListener("end", () => {
      setConnection("ended");
      source.close();
    });
    source.addEventListener("failure", () => setConnection("lost"));
    source.onerror = () => setConnection((c) => (c === "ended" ? c : "lost"));
    return () => source.close();
  }, [operationId, generation]);

  useEffect(() => {
    if (follow.current) bottom.current?.scrollIntoView({ block: "end" });
  });

  return (
    <section className="grid gap-3">
      <div className="flex items-center gap-3">
        <StatusBadge status={status} testId="operation-status" />
        <span className="text-xs text-slate-500" data-testid="log-connection">
          {connection === "live"
            ? "live"
            : connection === "ended"
              ? `${lines.length} lines`
              : connection === "lost"
                ? "reconnecting…"
                : "connecting…"}
        </span>
      </div>
      {error && !hideError && (
        <div className="grid gap-2 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700" role="alert">
          <p data-testid="operation-error">{error}</p>
          {HOST_KEY_FAILURE.test(error) && (
            <p>
              <Link
                href={`/hosts/${hostId}#host-key`}
                className="inline-flex items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-rose-800 shadow-sm ring-1 ring-inset ring-rose-300 hover:bg-rose-100 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
                data-testid="review-host-key"
              >
                Review the host key
              </Link>
            </p>
          )}
        </div>
      )}
      <div
        className="max-h-[60vh] overflow-auto rounded-lg bg-slate-950 p-4 font-mono text-xs leading-5"
        data-testid="log"
        onScroll={(e) => {
          const el = e.currentTarget;
          follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
        }}
      >
        {lines.length === 0 && <p className="text-slate-500">Waiting for output…</p>}
        {lines.map((line) => (
          <div key={line.seq} className="flex gap-3" data-testid="log-line" data-seq={line.seq}>
            <span className="w-10 shrink-0 select-none text-right text-slate-600">{line.seq}</span>
            <span className={`whitespace-pre-wrap break-all ${STREAM_STYLE[line.stream]}`}>{line.text}</span>
          </div>
        ))}
        <div ref={bottom} />
      </div>
    </section>
  );
}
