import { PROBE_EXIT } from "../deployments/probes";
import type { TVllmSnapshot } from "./vllm-snapshot";

/*
 * The rules that turn one poll of a running deployment into its health, in order:
 *
 * down      /health did not answer 200: refused ("not listening"), timed out, another HTTP code,
 *           or any other failure. Nothing else is looked at. Also when /health answered but
 *           /metrics, asked right after, was refused: the server stopped between the two.
 * degraded  /health answers 200, and any of:
 *           - /metrics failed or could not be read (the charts go blank);
 *           - KV-cache usage is at or above 95%: vLLM queues new requests and preempts running
 *             ones to make room;
 *           - requests waiting grew at each of the last 3 scrapes while requests running did not
 *             grow (or reached maxRunning, when the caller knows the server's --max-num-seqs): the
 *             server takes no more work and its queue builds up.
 *           Every rule that holds is named in the reason, most serious first.
 * healthy   otherwise.
 */

export const HEALTH_THRESHOLDS = {
  /** KV-cache usage (0 to 1) from which a deployment is degraded. */
  kvCacheFull: 0.95,
  /** Scrapes, the current one included, over which the queue must grow at every step. */
  queueGrowthScrapes: 3,
} as const;

/** Why a probe of /health or /metrics got no usable answer. */
export type TProbeFailure =
  | { kind: "refused" }
  | { kind: "timeout"; seconds?: number }
  | { kind: "http"; status: number; body?: string }
  /** /metrics answered 200 but its text did not parse. */
  | { kind: "unreadable"; message: string }
  | { kind: "error"; message: string };

export type THealthStatus = "healthy" | "degraded" | "down";

export interface THealthVerdict {
  status: THealthStatus;
  /** One operator-readable sentence or a few joined with "; ". */
  reason: string;
}

export interface THealthObservation {
  healthOk: boolean;
  /** Why /health failed, when healthOk is false. */
  healthError?: TProbeFailure;
  /** This poll's /metrics: a snapshot, or why there is none. Absent when /metrics was not polled. */
  metrics?: { snapshot: TVllmSnapshot } | { error: TProbeFailure };
  /** Earlier snapshots of the same deployment, oldest first, the current one not included. */
  previous?: readonly TVllmSnapshot[];
  /** The server's --max-num-seqs, when known: running at or above it counts as full. */
  maxRunning?: number;
}

export function classifyHealth(observation: THealthObservation): THealthVerdict {
  if (!observation.healthOk) {
    return { status: "down", reason: healthDownReason(observation.healthError) };
  }
  const metrics = observation.metrics;
  if (metrics === undefined) return { status: "healthy", reason: "/health answers" };
  if ("error" in metrics) {
    if (metrics.error.kind === "refused")
      return {
        status: "down",
        reason:
          "not listening: /metrics refused the connection right after /health answered (vLLM has stopped, or is restarting)",
      };
    return {
      status: "degraded",
      reason: `/health answers but ${describeProbeFailure("/metrics", metrics.error)}: no metrics for this poll`,
    };
  }

  const reasons: string[] = [];
  const { kvCacheUsage } = metrics.snapshot;
  if (kvCacheUsage !== null && kvCacheUsage >= HEALTH_THRESHOLDS.kvCacheFull) {
    reasons.push(
      `KV cache ${Math.round(kvCacheUsage * 100)}% full: new requests wait and running ones may be preempted`,
    );
  }
  const queue = growingQueue(metrics.snapshot, observation.previous ?? [], observation.maxRunning);
  if (queue) reasons.push(queue);
  return reasons.length > 0
    ? { status: "degraded", reason: reasons.join("; ") }
    : { status: "healthy", reason: "/health and /metrics answer" };
}

/** "/metrics answered HTTP 500", "/health: connection refused", ... */
export function describeProbeFailure(endpoint: string, failure: TProbeFailure): string {
  switch (failure.kind) {
    case "refused":
      return `${endpoint}: connection refused`;
    case "timeout":
      return failure.seconds === undefined
        ? `${endpoint} did not answer in time`
        : `${endpoint} did not answer within ${failure.seconds} s`;
    case "http":
      return `${endpoint} answered HTTP ${failure.status}${failure.body ? `: ${clip(failure.body)}` : ""}`;
    case "unreadable":
      return `${endpoint} answered with text that is not Prometheus metrics (${clip(failure.message)})`;
    case "error":
      return `${endpoint} failed: ${clip(failure.message)}`;
  }
}

/**
 * Reads the outcome of lib/deployments/probes.ts' probe (its exit code and stderr) as a failure:
 * exit 2 is a refused connection, "HTTP <code> from <url>: <body>" an HTTP status, "timed out" a
 * timeout. Null when the probe succeeded.
 */
export function probeFailureFromProbe(
  exitCode: number | null,
  stderr: string,
  timeoutSeconds?: number,
): TProbeFailure | null {
  if (exitCode === PROBE_EXIT.ok) return null;
  if (exitCode === PROBE_EXIT.refused) return { kind: "refused" };
  const http = /HTTP (\d{3}) from \S+: ?([\s\S]*)/.exec(stderr);
  if (http) {
    const body = http[2]?.trim();
    return { kind: "http", status: Number(http[1]), ...(body ? { body } : {}) };
  }
  if (/timed out/i.test(stderr)) {
    return timeoutSeconds === undefined ? { kind: "timeout" } : { kind: "timeout", seconds: timeoutSeconds };
  }
  const last = stderr.trim().split("\n").at(-1)?.trim();
  return { kind: "error", message: last || `the probe exited with code ${exitCode ?? "none (killed)"}` };
}

function healthDownReason(failure: TProbeFailure | undefined): string {
  if (failure === undefined) return "/health did not answer 200";
  if (failure.kind === "refused") {
    return "not listening: /health refused the connection (vLLM has stopped, or is restarting)";
  }
  return describeProbeFailure("/health", failure);
}

function growingQueue(
  current: TVllmSnapshot,
  previous: readonly TVllmSnapshot[],
  maxRunning: number | undefined,
): string | null {
  const window = [...previous.slice(-(HEALTH_THRESHOLDS.queueGrowthScrapes - 1)), current];
  if (window.length < HEALTH_THRESHOLDS.queueGrowthScrapes) return null;
  const waiting = window.map((s) => s.requestsWaiting);
  const running = window.map((s) => s.requestsRunning);
  if (waiting.some((n) => n === null) || running.some((n) => n === null)) return null;
  const counts = waiting as number[];
  if (!counts.every((n, i) => i === 0 || n > (counts[i - 1] as number))) return null;

  const now = current.requestsRunning as number;
  const full = maxRunning === undefined ? now <= (running[0] as number) : now >= maxRunning;
  if (!full) return null;
  const most = maxRunning === undefined ? "" : `, the most it takes (--max-num-seqs ${maxRunning})`;
  return `requests waiting keep growing (${counts.join(" → ")}) while ${now} ${now === 1 ? "is" : "are"} running${most}: the server is at capacity`;
}

function clip(text: string): string {
  const line = text.trim().replace(/\s+/g, " ");
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
