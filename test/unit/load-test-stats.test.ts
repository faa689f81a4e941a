import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { promptOfWords } from "@/lib/load-test/prompt";
import { runConcurrently } from "@/lib/load-test/run-concurrently";
import { ZLoadTestRequestSchema } from "@/lib/load-test/schema";
import { MAX_ERROR_MESSAGES, percentile, summarize, type TRequestSample } from "@/lib/load-test/stats";
import { chatCurl } from "@/lib/playground/curl";
import { parseChatChunk, sseDataSplitter } from "@/lib/playground/openai-stream";

const ok = (latencyMs: number, ttftMs: number | null, completionTokens = 10): TRequestSample => ({
  ok: true,
  latencyMs,
  ttftMs,
  completionTokens,
});
const failed = (error: string): TRequestSample => ({
  ok: false,
  latencyMs: 5,
  ttftMs: null,
  completionTokens: 0,
  error,
});

describe("percentile", () => {
  it("interpolates between the nearest ranks like numpy's default", () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 100)).toBe(50);
    // rank 0.95 * 4 = 3.8: 40 + 0.8 * (50 - 40)
    expect(percentile(values, 95)).toBeCloseTo(48, 10);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
  });

  it("does not depend on the order of the values and leaves them unsorted", () => {
    const values = [50, 15, 40, 20, 35];
    expect(percentile(values, 50)).toBe(35);
    expect(values).toEqual([50, 15, 40, 20, 35]);
  });

  it("is null for no values, the value itself for one, and refuses a percentile outside 0..100", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 95)).toBe(7);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it("matches Python's statistics.quantiles (inclusive method) on 200 random values", () => {
    const values = Array.from({ length: 200 }, (_, i) => Math.round(((i * 7919) % 1000) * 1.37));
    const script =
      "import json,statistics,sys; v=json.load(sys.stdin); q=statistics.quantiles(v,n=100,method='inclusive'); print(json.dumps([q[49],q[94]]))";
    const [p50, p95] = JSON.parse(
      execFileSync("python3", ["-c", script], { input: JSON.stringify(values) }).toString(),
    );
    expect(percentile(values, 50)).toBeCloseTo(p50, 9);
    expect(percentile(values, 95)).toBeCloseTo(p95, 9);
  });
});

describe("summarize", () => {
  it("takes latency and TTFT from answered requests and rates over the wall time", () => {
    const samples = [
      ok(100, 10, 20),
      ok(200, 20, 20),
      ok(300, 30, 20),
      ok(400, null, 40),
      failed("HTTP 500"),
    ];
    const f = summarize(samples, 2000);
    expect(f.succeeded).toBe(4);
    expect(f.errors).toBe(1);
    expect(f.latencyP50Ms).toBe(250);
    expect(f.latencyP95Ms).toBeCloseTo(385, 10);
    // a request without any content token has no TTFT
    expect(f.ttftP50Ms).toBe(20);
    expect(f.outputTokensPerS).toBe(50);
    expect(f.requestsPerS).toBe(2);
    expect(f.durationMs).toBe(2000);
    expect(f.errorMessages).toEqual(["HTTP 500"]);
  });

  it("keeps the first distinct error messages, at most a few", () => {
    const samples = [
      failed("a"),
      failed("a"),
      failed("b"),
      ...Array.from({ length: 10 }, (_, i) => failed(`e${i}`)),
    ];
    const f = summarize(samples, 1000);
    expect(f.errorMessages).toHaveLength(MAX_ERROR_MESSAGES);
    expect(f.errorMessages.slice(0, 3)).toEqual(["a", "b", "e0"]);
    expect(f.errors).toBe(13);
    expect(f.latencyP50Ms).toBeNull();
    expect(f.outputTokensPerS).toBeNull();
    expect(f.requestsPerS).toBeNull();
  });
});

describe("runConcurrently", () => {
  it("runs every task once and never more than the concurrency at a time", async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await runConcurrently(37, 5, async (i) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, (i % 3) + 1));
      seen.push(i);
      inFlight -= 1;
    });
    expect(peak).toBe(5);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 37 }, (_, i) => i));
  });

  it("stops starting tasks once stopped", async () => {
    let started = 0;
    await runConcurrently(
      100,
      2,
      async () => {
        started += 1;
      },
      () => started >= 10,
    );
    expect(started).toBe(10);
  });
});

describe("promptOfWords", () => {
  it("has exactly the asked number of words", () => {
    for (const n of [1, 2, 5, 6, 100, 4000]) expect(promptOfWords(n).split(" ")).toHaveLength(n);
    expect(promptOfWords(300)).toBe(promptOfWords(300));
  });
});

describe("ZLoadTestRequestSchema", () => {
  it("accepts the bounds and refuses beyond them with the field named", () => {
    expect(
      ZLoadTestRequestSchema.safeParse({ requests: 10_000, concurrency: 256, promptWords: 100 }).success,
    ).toBe(true);
    const tooMany = ZLoadTestRequestSchema.safeParse({ requests: 10_001, concurrency: 4, promptWords: 10 });
    expect(tooMany.error?.issues[0]?.path).toEqual(["requests"]);
    expect(tooMany.error?.issues[0]?.message).toBe("requests is at most 10,000");
    const wide = ZLoadTestRequestSchema.safeParse({ requests: 1000, concurrency: 257, promptWords: 10 });
    expect(wide.error?.issues[0]?.path).toEqual(["concurrency"]);
    const over = ZLoadTestRequestSchema.safeParse({ requests: 3, concurrency: 4, promptWords: 10 });
    expect(over.error?.issues[0]?.message).toBe("concurrency cannot exceed the number of requests");
    expect(ZLoadTestRequestSchema.safeParse({ requests: 1.5, concurrency: 1, promptWords: 10 }).success).toBe(
      false,
    );
  });
});

describe("the OpenAI stream reader", () => {
  it("splits SSE events and reads text, finish reason, usage and the end", () => {
    const events: string[] = [];
    const split = sseDataSplitter((d) => events.push(d));
    split.push('data: {"choices":[{"delta":{"content":"Hel"},"finish_reason":null}]}\n\nda');
    split.push('ta: {"choices":[{"delta":{"content":"lo"},"finish_reason":"stop"}]}\r\n\r\n');
    split.push('data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}\n\ndata: [DONE]\n\n');
    split.end();
    const chunks = events.map(parseChatChunk);
    expect(chunks[0]).toEqual({ text: "Hel", finishReason: null, usage: null });
    expect(chunks[1]).toEqual({ text: "lo", finishReason: "stop", usage: null });
    expect(chunks[2]?.usage).toEqual({ promptTokens: 3, completionTokens: 2 });
    expect(chunks[3]).toBeNull();
  });

  it("turns an error event into an error with its message", () => {
    expect(() => parseChatChunk('{"error":{"message":"out of memory"}}')).toThrow(/out of memory/);
    expect(() => parseChatChunk("{nope")).toThrow(/unreadable/);
  });
});

describe("chatCurl", () => {
  const request = {
    messages: [{ role: "user" as const, content: 'It\'s a "test"; rm -rf / $(id)' }],
    max_tokens: 64,
    temperature: 0.2,
  };

  it("reads the key from $VLLM_API_KEY and quotes the body as one shell word", () => {
    const curl = chatCurl({ address: "127.0.0.1", port: 8000, model: "m", hasApiKey: true, request });
    expect(curl).toContain('-H "Authorization: Bearer $VLLM_API_KEY"');
    const body = curl.slice(curl.indexOf("-d ") + 3);
    const echoed = execFileSync("sh", ["-c", `printf %s ${body}`]).toString();
    expect(JSON.parse(echoed)).toMatchObject({ model: "m", messages: request.messages, stream: true });
  });

  it("has no Authorization header without a key and brackets an IPv6 address", () => {
    const curl = chatCurl({ address: "::1", port: 8001, model: "m", hasApiKey: false, request });
    expect(curl).not.toContain("Authorization");
    expect(curl).toContain("http://[::1]:8001/v1/chat/completions");
  });
});
