import { describe, expect, it } from "vitest";
import { classifyHealth, HEALTH_THRESHOLDS, probeFailureFromProbe } from "@/lib/metrics/health-status";
import { parsePrometheusText } from "@/lib/metrics/prometheus-text";
import { type TVllmSnapshot, vllmSnapshot } from "@/lib/metrics/vllm-snapshot";
import { readMetricsFixture } from "../fixtures/metrics";

const snapshot = (over: Partial<TVllmSnapshot>): TVllmSnapshot => ({
  requestsRunning: 4,
  requestsWaiting: 0,
  kvCacheUsage: 0.3,
  promptTokensTotal: 0,
  generationTokensTotal: 0,
  ttft: null,
  e2eLatency: null,
  interTokenLatency: null,
  sources: { kvCacheUsage: "vllm:kv_cache_usage_perc", interTokenLatency: null },
  modelNames: ["m"],
  ...over,
});
const queue = (waiting: number[], running: number[]) =>
  waiting.map((w, i) => snapshot({ requestsWaiting: w, requestsRunning: running[i] ?? null }));
const withHistory = (history: TVllmSnapshot[], maxRunning?: number) =>
  classifyHealth({
    healthOk: true,
    metrics: { snapshot: history.at(-1) as TVllmSnapshot },
    previous: history.slice(0, -1),
    ...(maxRunning === undefined ? {} : { maxRunning }),
  });

describe("classifyHealth: down", () => {
  it("is 'not listening' when /health refuses the connection", () => {
    const verdict = classifyHealth({ healthOk: false, healthError: { kind: "refused" } });
    expect(verdict.status).toBe("down");
    expect(verdict.reason).toMatch(/^not listening: \/health refused the connection/);
  });

  it("names a timeout, an HTTP code with its body, or another failure", () => {
    expect(classifyHealth({ healthOk: false, healthError: { kind: "timeout", seconds: 5 } })).toEqual({
      status: "down",
      reason: "/health did not answer within 5 s",
    });
    expect(
      classifyHealth({
        healthOk: false,
        healthError: { kind: "http", status: 503, body: "Service Unavailable\n" },
      }),
    ).toEqual({ status: "down", reason: "/health answered HTTP 503: Service Unavailable" });
    expect(
      classifyHealth({
        healthOk: false,
        healthError: { kind: "error", message: "SSH connection to gpu-01 lost" },
      }),
    ).toEqual({ status: "down", reason: "/health failed: SSH connection to gpu-01 lost" });
    expect(classifyHealth({ healthOk: false })).toEqual({
      status: "down",
      reason: "/health did not answer 200",
    });
  });

  it("ignores /metrics when /health fails", () => {
    const verdict = classifyHealth({
      healthOk: false,
      healthError: { kind: "http", status: 500 },
      metrics: { snapshot: snapshot({ kvCacheUsage: 0.99 }) },
    });
    expect(verdict).toEqual({ status: "down", reason: "/health answered HTTP 500" });
  });
});

describe("classifyHealth: degraded and healthy", () => {
  it("is healthy when /health answers and /metrics was not polled, or shows nothing wrong", () => {
    expect(classifyHealth({ healthOk: true })).toEqual({ status: "healthy", reason: "/health answers" });
    const snap = vllmSnapshot(parsePrometheusText(readMetricsFixture("vllm-current")));
    expect(classifyHealth({ healthOk: true, metrics: { snapshot: snap } })).toEqual({
      status: "healthy",
      reason: "/health and /metrics answer",
    });
  });

  it("is degraded when /health answers but /metrics fails or is unreadable", () => {
    expect(classifyHealth({ healthOk: true, metrics: { error: { kind: "http", status: 500 } } })).toEqual({
      status: "degraded",
      reason: "/health answers but /metrics answered HTTP 500: no metrics for this poll",
    });
    const unreadable = classifyHealth({
      healthOk: true,
      metrics: { error: { kind: "unreadable", message: "/metrics line 3: missing the sample value: m" } },
    });
    expect(unreadable.status).toBe("degraded");
    expect(unreadable.reason).toContain("/metrics answered with text that is not Prometheus metrics");
    expect(unreadable.reason).toContain("line 3");
  });

  it("is degraded from 95% KV-cache usage (read from the deprecated name on older vLLM)", () => {
    const old = vllmSnapshot(parsePrometheusText(readMetricsFixture("vllm-deprecated-names")));
    expect(classifyHealth({ healthOk: true, metrics: { snapshot: old } })).toEqual({
      status: "degraded",
      reason: "KV cache 96% full: new requests wait and running ones may be preempted",
    });
    const at = (kvCacheUsage: number) =>
      classifyHealth({ healthOk: true, metrics: { snapshot: snapshot({ kvCacheUsage }) } }).status;
    expect(at(HEALTH_THRESHOLDS.kvCacheFull)).toBe("degraded");
    expect(at(0.949)).toBe("healthy");
  });

  it("is degraded when requests waiting grow at each of 3 scrapes while running stays flat", () => {
    expect(withHistory(queue([1, 3, 6], [8, 8, 8]))).toEqual({
      status: "degraded",
      reason: "requests waiting keep growing (1 → 3 → 6) while 8 are running: the server is at capacity",
    });
    expect(withHistory(queue([0, 1, 3, 6], [5, 8, 8, 7])).status).toBe("degraded"); // preemption lowers running
  });

  it("stays healthy while running still grows, the queue does not grow at every step, or history is short", () => {
    expect(withHistory(queue([1, 3, 6], [4, 6, 8])).status).toBe("healthy");
    expect(withHistory(queue([1, 3, 3], [8, 8, 8])).status).toBe("healthy");
    expect(withHistory(queue([1, 5, 2, 6], [8, 8, 8, 8])).status).toBe("healthy");
    expect(withHistory(queue([3, 6], [8, 8])).status).toBe("healthy");
    expect(withHistory([snapshot({ requestsWaiting: null }), ...queue([3, 6], [8, 8])]).status).toBe(
      "healthy",
    );
  });

  it("uses --max-num-seqs, when given, as the running count the server is full at", () => {
    expect(withHistory(queue([10, 20, 40], [250, 256, 256]), 256)).toEqual({
      status: "degraded",
      reason:
        "requests waiting keep growing (10 → 20 → 40) while 256 are running, the most it takes (--max-num-seqs 256): the server is at capacity",
    });
    expect(withHistory(queue([10, 20, 40], [120, 120, 120]), 256).status).toBe("healthy");
  });

  it("names every rule that holds, the KV cache first", () => {
    const history = queue([2, 4, 9], [16, 16, 16]);
    history[2] = { ...(history[2] as TVllmSnapshot), kvCacheUsage: 0.98 };
    const verdict = withHistory(history);
    expect(verdict.status).toBe("degraded");
    expect(verdict.reason.split("; ")).toEqual([
      "KV cache 98% full: new requests wait and running ones may be preempted",
      "requests waiting keep growing (2 → 4 → 9) while 16 are running: the server is at capacity",
    ]);
  });
});

describe("probeFailureFromProbe (lib/deployments/probes.ts' exit code and stderr)", () => {
  it("reads success, refusal, HTTP codes, timeouts and anything else", () => {
    expect(probeFailureFromProbe(0, "")).toBeNull();
    expect(probeFailureFromProbe(2, "not listening yet: [Errno 111] Connection refused\n")).toEqual({
      kind: "refused",
    });
    expect(probeFailureFromProbe(1, "HTTP 503 from http://127.0.0.1:8000/health: engine dead\n")).toEqual({
      kind: "http",
      status: 503,
      body: "engine dead",
    });
    expect(probeFailureFromProbe(1, "HTTP 500 from http://[::1]:8000/metrics: \n")).toEqual({
      kind: "http",
      status: 500,
    });
    expect(probeFailureFromProbe(1, "no answer: timed out\n", 5)).toEqual({ kind: "timeout", seconds: 5 });
    expect(probeFailureFromProbe(1, "no answer: [Errno -2] Name or service not known\n")).toEqual({
      kind: "error",
      message: "no answer: [Errno -2] Name or service not known",
    });
    expect(probeFailureFromProbe(137, "")).toEqual({
      kind: "error",
      message: "the probe exited with code 137",
    });
  });
});
