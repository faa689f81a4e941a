import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "@/lib/metrics/prometheus-text";
import { vllmSnapshot } from "@/lib/metrics/vllm-snapshot";
import { readMetricsFixture } from "../fixtures/metrics";

const snapshotOf = (text: string, modelName?: string) =>
  vllmSnapshot(parsePrometheusText(text), modelName === undefined ? {} : { modelName });

describe("vllmSnapshot", () => {
  it("reads gauges, counters and histograms under vLLM's current names", () => {
    const snap = snapshotOf(readMetricsFixture("vllm-current"));
    expect(snap).toMatchObject({
      requestsRunning: 12,
      requestsWaiting: 0,
      kvCacheUsage: 0.2841,
      promptTokensTotal: 338112,
      generationTokensTotal: 52216,
      sources: {
        kvCacheUsage: "vllm:kv_cache_usage_perc",
        interTokenLatency: "vllm:inter_token_latency_seconds",
      },
      modelNames: ["Qwen/Qwen2.5-7B-Instruct"],
    });
    expect(snap.ttft?.count).toBe(417);
    expect(snap.ttft?.sum).toBeCloseTo(49.21337890625, 10);
    expect(snap.ttft?.buckets).toHaveLength(23);
    expect(snap.ttft?.buckets[4]).toEqual({ le: 0.04, count: 44 });
    expect(snap.ttft?.buckets.at(-1)).toEqual({ le: Infinity, count: 417 });
    expect(snap.e2eLatency?.count).toBe(416);
    expect(snap.interTokenLatency?.count).toBe(44187);
  });

  it("falls back to the deprecated names: vllm:gpu_cache_usage_perc and vllm:time_per_output_token_seconds", () => {
    const snap = snapshotOf(readMetricsFixture("vllm-deprecated-names"));
    expect(snap).toMatchObject({
      requestsRunning: 7,
      requestsWaiting: 3,
      kvCacheUsage: 0.9612,
      promptTokensTotal: 904512,
      generationTokensTotal: 166043,
      sources: {
        kvCacheUsage: "vllm:gpu_cache_usage_perc",
        interTokenLatency: "vllm:time_per_output_token_seconds",
      },
      modelNames: ["meta-llama/Llama-3.1-8B-Instruct"],
    });
    expect(snap.interTokenLatency?.count).toBe(164802);
    expect(snap.interTokenLatency?.buckets.at(-2)).toEqual({ le: 2.5, count: 164802 });
    expect(snap.ttft?.count).toBe(1160);
    expect(snap.e2eLatency?.buckets.map((b) => b.le)).toEqual([
      1,
      2.5,
      5,
      10,
      15,
      20,
      30,
      40,
      50,
      60,
      Infinity,
    ]);
  });

  it("prefers the current name when a server exposes both (vLLM 0.10)", () => {
    const snap = snapshotOf(
      [
        'vllm:gpu_cache_usage_perc{model_name="m"} 0.5',
        'vllm:kv_cache_usage_perc{model_name="m"} 0.25',
        'vllm:time_per_output_token_seconds_bucket{model_name="m",le="+Inf"} 9',
        'vllm:time_per_output_token_seconds_count{model_name="m"} 9',
        'vllm:inter_token_latency_seconds_bucket{model_name="m",le="+Inf"} 4',
        'vllm:inter_token_latency_seconds_count{model_name="m"} 4',
      ].join("\n"),
    );
    expect(snap.kvCacheUsage).toBe(0.25);
    expect(snap.interTokenLatency?.count).toBe(4);
  });

  it("adds label sets up, keeps the fullest KV cache, and filters by model name", () => {
    const text = [
      'vllm:num_requests_running{model_name="a",engine="0"} 3',
      'vllm:num_requests_running{model_name="a",engine="1"} 4',
      'vllm:num_requests_running{model_name="b",engine="0"} 10',
      'vllm:kv_cache_usage_perc{model_name="a",engine="0"} 0.5',
      'vllm:kv_cache_usage_perc{model_name="a",engine="1"} 0.75',
      'vllm:kv_cache_usage_perc{model_name="b",engine="0"} 0.125',
      'vllm:prompt_tokens_total{model_name="a",engine="0"} 100',
      'vllm:prompt_tokens_total{model_name="a",engine="1"} 50',
      'vllm:prompt_tokens_total{model_name="b",engine="0"} 7',
      'vllm:e2e_request_latency_seconds_bucket{model_name="a",engine="0",le="1.0"} 1',
      'vllm:e2e_request_latency_seconds_bucket{model_name="a",engine="0",le="+Inf"} 2',
      'vllm:e2e_request_latency_seconds_sum{model_name="a",engine="0"} 2.5',
      'vllm:e2e_request_latency_seconds_count{model_name="a",engine="0"} 2',
      'vllm:e2e_request_latency_seconds_bucket{model_name="b",engine="0",le="1.0"} 5',
      'vllm:e2e_request_latency_seconds_bucket{model_name="b",engine="0",le="+Inf"} 5',
      'vllm:e2e_request_latency_seconds_sum{model_name="b",engine="0"} 1.5',
      'vllm:e2e_request_latency_seconds_count{model_name="b",engine="0"} 5',
    ].join("\n");
    const all = snapshotOf(text);
    expect(all.requestsRunning).toBe(17);
    expect(all.kvCacheUsage).toBe(0.75);
    expect(all.promptTokensTotal).toBe(157);
    expect(all.e2eLatency).toEqual({
      buckets: [
        { le: 1, count: 6 },
        { le: Infinity, count: 7 },
      ],
      sum: 4,
      count: 7,
    });
    expect(all.modelNames).toEqual(["a", "b"]);

    const b = snapshotOf(text, "b");
    expect(b).toMatchObject({ requestsRunning: 10, kvCacheUsage: 0.125, promptTokensTotal: 7 });
    expect(b.e2eLatency?.count).toBe(5);
    expect(b.modelNames).toEqual(["a", "b"]);
  });

  it("is all nulls for a model name the server does not serve, and lists the ones it does", () => {
    const snap = snapshotOf(readMetricsFixture("vllm-current"), "qwen-typo");
    expect(snap).toMatchObject({
      requestsRunning: null,
      kvCacheUsage: null,
      promptTokensTotal: null,
      ttft: null,
      sources: { kvCacheUsage: null, interTokenLatency: null },
      modelNames: ["Qwen/Qwen2.5-7B-Instruct"],
    });
  });

  it("adds the +Inf bucket from _count when a histogram lacks it", () => {
    const snap = snapshotOf(
      'vllm:time_to_first_token_seconds_bucket{le="0.1"} 2\nvllm:time_to_first_token_seconds_count 3',
    );
    expect(snap.ttft?.buckets).toEqual([
      { le: 0.1, count: 2 },
      { le: Infinity, count: 3 },
    ]);
  });

  it("reads what the stand-in vLLM (test/fixtures/vllm) serves on /metrics", () => {
    const python = fileURLToPath(new URL("../fixtures/vllm/python", import.meta.url));
    // Starts the stand-in's server in-process on a free port, sends one chat completion, prints /metrics.
    const script = `import json, os, sys, threading, urllib.request
out, sys.stdout = sys.stdout, open(os.devnull, "w")
sys.path.insert(0, sys.argv[1])
from vllm.fixture_server import make_server
server = make_server("127.0.0.1", 0, "tiny-chat", "/models/tiny", 2048, None)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % server.server_address[1]
body = json.dumps({"model": "tiny-chat", "messages": [{"role": "user", "content": "three short words"}]}).encode()
urllib.request.urlopen(urllib.request.Request(base + "/v1/chat/completions", data=body)).read()
out.write(urllib.request.urlopen(base + "/metrics").read().decode())
server.shutdown()
`;
    const text = execFileSync("python3", ["-c", script, python], { encoding: "utf8", timeout: 20_000 });
    const snap = snapshotOf(text, "tiny-chat");
    expect(snap).toMatchObject({
      requestsRunning: 0,
      requestsWaiting: 0,
      kvCacheUsage: 0,
      promptTokensTotal: 3,
      generationTokensTotal: 6,
      interTokenLatency: null,
      sources: { kvCacheUsage: "vllm:gpu_cache_usage_perc", interTokenLatency: null },
      modelNames: ["tiny-chat"],
    });
    expect(snap.ttft?.count).toBe(1);
    expect(snap.ttft?.buckets.at(-1)).toEqual({ le: Infinity, count: 1 });
    expect(snap.e2eLatency?.count).toBe(1);
  });
});
