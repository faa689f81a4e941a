"use client";

import Link from "next/link";
import { LogViewer } from "@/components/logs/log-viewer";
import type { TOperationStatus } from "@/lib/logs/line";

/** Failures the operator resolves on the host page's key panel, not by retrying. */
const HOST_KEY_FAILURE = /^(Host key not yet trusted|Host key changed)/;

/**
 * An operation's live log on a host's page: the log viewer, with a way to the host's key panel
 * when the operation failed on the host's key. A blocked operation's stream ends; when the operator
 * resumes it, the parent bumps `generation` and the log opens again after the last line it has.
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
  return (
    <LogViewer
      operationId={operationId}
      initialStatus={initialStatus}
      initialError={initialError}
      generation={generation}
      generationStatus={generationStatus}
      onStatus={onStatus}
      hideError={hideError}
      errorAction={(error) =>
        HOST_KEY_FAILURE.test(error) && (
          <p>
            <Link
              href={`/hosts/${hostId}#host-key`}
              className="inline-flex items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-rose-800 shadow-sm ring-1 ring-inset ring-rose-300 hover:bg-rose-100 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
              data-testid="review-host-key"
            >
              Review the host key
            </Link>
          </p>
        )
      }
    />
  );
}
