"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { TLogLine, TOperationStatus } from "@/lib/logs/line";
import { LogBuffer } from "./log-buffer";

export type TConnection = "connecting" | "live" | "reconnecting" | "ended";

/** How long to wait before reopening a stream EventSource gave up on: doubling, up to a ceiling. */
const REOPEN_FIRST_MS = 1000;
const REOPEN_MAX_MS = 15_000;
/** Lines per request when loading the stored log before following the stream: a stored chunk's most. */
const PAGE_LINES = 20_000;
/** Pages requested beyond the one being added. */
const PAGES_AHEAD = 2;

/**
 * Loads an operation's stored log in pages, then follows it over Server-Sent Events into a `LogBuffer`, and re-renders at most
 * once per animation frame however fast lines arrive. A status change renders at once, together
 * with the lines before it, so the page never shows a final status above a log that lacks its end.
 *
 * A dropped connection is resumed without a line lost or shown twice: EventSource reconnects by
 * itself with Last-Event-ID; when it gives up (readyState CLOSED) the stream is reopened with
 * `?after=<last seq held>`, and the buffer drops any line it already has. Bumping `generation`
 * reopens an ended stream the same way (a blocked operation that was resumed).
 */
export function useLogStream({
  operationId,
  generation,
  onStatus,
}: {
  operationId: string;
  generation: number;
  onStatus: (status: TOperationStatus, error: string | null) => void;
}): { buffer: LogBuffer; version: number; connection: TConnection; refresh: () => void } {
  const [buffer] = useState(() => new LogBuffer());
  const [version, setVersion] = useState(0);
  const [connection, setConnection] = useState<TConnection>("connecting");
  const frame = useRef<number | null>(null);
  const statusListener = useRef(onStatus);
  statusListener.current = onStatus;

  const refresh = useCallback(() => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    frame.current = null;
    setVersion((v) => v + 1);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `generation` reopens the stream after the buffer's last line
  useEffect(() => {
    let source: EventSource | null = null;
    let reopenTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;
    const scheduleRender = () => {
      if (frame.current === null)
        frame.current = requestAnimationFrame(() => {
          frame.current = null;
          setVersion((v) => v + 1);
        });
    };

    const open = () => {
      const after = buffer.lastSeq;
      const es = new EventSource(
        `/api/operations/${operationId}/events${after > 0 ? `?after=${after}` : ""}`,
      );
      source = es;
      es.onopen = () => {
        failures = 0;
        setConnection("live");
      };
      es.addEventListener("lines", (e) => {
        let added = false;
        for (const line of JSON.parse((e as MessageEvent<string>).data) as TLogLine[])
          if (buffer.add(line)) added = true;
        if (added) scheduleRender();
      });
      es.addEventListener("status", (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data) as {
          status: TOperationStatus;
          error: string | null;
        };
        refresh();
        statusListener.current(data.status, data.error);
      });
      es.addEventListener("end", () => {
        stopped = true;
        es.close();
        refresh();
        setConnection("ended");
      });
      // The server hit an error and closes the stream; EventSource comes back after `retry`.
      es.addEventListener("failure", () => setConnection("reconnecting"));
      es.onerror = () => {
        if (stopped) return;
        setConnection("reconnecting");
        if (es.readyState !== EventSource.CLOSED) return;
        const delay = Math.min(REOPEN_FIRST_MS * 2 ** failures, REOPEN_MAX_MS);
        failures += 1;
        reopenTimer = setTimeout(open, delay);
      };
    };

    // History comes in bulk (a page is one JSON document, not thousands of events), then the
    // stream takes over after the last stored line: Redis holds whatever PostgreSQL does not yet.
    // A page is as long as a stored chunk, so the server passes chunks on whole, and every page but
    // the last is full, so page k starts at start + k * PAGE_LINES: the next pages are requested
    // while one is added (PAGES_AHEAD at a time), and a request past the end costs an empty page.
    const fetchPage = async (after: number) => {
      const res = await fetch(`/api/operations/${operationId}/lines?after=${after}&limit=${PAGE_LINES}`);
      if (!res.ok) return null;
      return (await res.json()) as { lines: TLogLine[]; lastSeq: number; more: boolean };
    };
    const loadStored = async () => {
      const start = buffer.lastSeq;
      const pages: ReturnType<typeof fetchPage>[] = [];
      for (let k = 0; ; k++) {
        while (pages.length <= k + PAGES_AHEAD)
          pages.push(fetchPage(start + pages.length * PAGE_LINES).catch(() => null));
        const page = await (pages[k] as ReturnType<typeof fetchPage>);
        if (!page || stopped) return;
        let added = false;
        for (const line of page.lines) if (buffer.add(line)) added = true;
        if (added) scheduleRender();
        if (!page.more) return;
      }
    };

    setConnection("connecting");
    loadStored()
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) open();
      });
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(reopenTimer);
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [operationId, generation, buffer, refresh]);

  return { buffer, version, connection, refresh };
}
