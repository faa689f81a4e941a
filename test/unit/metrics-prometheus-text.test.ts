import { describe, expect, it } from "vitest";
import {
  PrometheusParseError,
  parsePrometheusNumber,
  parsePrometheusText,
} from "@/lib/metrics/prometheus-text";
import { readMetricsFixture } from "../fixtures/metrics";

const parseError = (text: string): PrometheusParseError => {
  try {
    parsePrometheusText(text);
  } catch (err) {
    if (err instanceof PrometheusParseError) return err;
    throw err;
  }
  throw new Error("expected a PrometheusParseError");
};

describe("parsePrometheusText", () => {
  it("reads a recorded vLLM /metrics text: every sample line, no comment line", () => {
    const text = readMetricsFixture("vllm-current");
    const samples = parsePrometheusText(text);
    const sampleLines = text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
    expect(samples).toHaveLength(sampleLines.length);
    expect(samples.find((s) => s.name === "vllm:num_requests_running")).toEqual({
      name: "vllm:num_requests_running",
      labels: { model_name: "Qwen/Qwen2.5-7B-Instruct", engine: "0" },
      value: 12,
    });
  });

  it("reads prometheus_client's Go-style exponents and _created series", () => {
    const samples = parsePrometheusText(readMetricsFixture("vllm-current"));
    const value = (name: string) => samples.find((s) => s.name === name)?.value;
    expect(value("process_virtual_memory_bytes")).toBe(48318382080);
    expect(value("process_start_time_seconds")).toBe(1737104387.62);
    expect(value("vllm:prompt_tokens_created")).toBe(1737104401.873412);
  });

  it("skips HELP, TYPE and other comments, blank lines, and reads CRLF line ends", () => {
    const text = [
      '# HELP odd_metric Help with {braces}, "quotes" and a \\\\ backslash',
      "# TYPE odd_metric gauge",
      "#just a comment",
      "",
      "   ",
      "odd_metric 1\r",
      "  \tindented_metric 2",
      "",
    ].join("\n");
    expect(parsePrometheusText(text)).toEqual([
      { name: "odd_metric", labels: {}, value: 1 },
      { name: "indented_metric", labels: {}, value: 2 },
    ]);
  });

  it("unescapes backslash, double quote and newline in label values", () => {
    const [sample] = parsePrometheusText('m{path="C:\\\\models\\\\tiny",msg="say \\"hi\\"\\nbye"} 1\n');
    expect(sample?.labels).toEqual({ path: "C:\\models\\tiny", msg: 'say "hi"\nbye' });
  });

  it("keeps commas, braces, spaces and '=' inside label values", () => {
    const [sample] = parsePrometheusText('m{a="x, y}",b="k=v {z}"} 3\n');
    expect(sample?.labels).toEqual({ a: "x, y}", b: "k=v {z}" });
  });

  it("allows blanks around labels, a trailing comma and empty braces", () => {
    expect(parsePrometheusText('m{ a = "1" , b="2", } 3\nn{} 4\no{a=""} 5')).toEqual([
      { name: "m", labels: { a: "1", b: "2" }, value: 3 },
      { name: "n", labels: {}, value: 4 },
      { name: "o", labels: { a: "" }, value: 5 },
    ]);
  });

  it("reads NaN, +Inf and -Inf values and an +Inf le label", () => {
    const samples = parsePrometheusText(
      'a NaN\nb +Inf\nc -Inf\nd nan\ne Inf\nh_bucket{le="+Inf"} 7\nf 1.5e-3\ng -0.25\n',
    );
    expect(samples.map((s) => s.value)).toEqual([
      Number.NaN,
      Infinity,
      -Infinity,
      Number.NaN,
      Infinity,
      7,
      0.0015,
      -0.25,
    ]);
    expect(samples[5]?.labels.le).toBe("+Inf");
  });

  it("reads optional timestamps in milliseconds, negative ones included", () => {
    expect(parsePrometheusText('m{a="1"} 2 1712345678901\nn 3 -5')).toEqual([
      { name: "m", labels: { a: "1" }, value: 2, timestampMs: 1712345678901 },
      { name: "n", labels: {}, value: 3, timestampMs: -5 },
    ]);
  });

  it("keeps a label named __proto__ as a plain label", () => {
    const [sample] = parsePrometheusText('m{__proto__="x"} 1');
    expect(Object.keys(sample?.labels ?? {})).toEqual(["__proto__"]);
  });

  it.each([
    ['m{a="1} 2', "is not closed"],
    ['m{a="\\t"} 2', "invalid escape"],
    ['m{a="1",a="2"} 3', "appears twice"],
    ['m{a="1" b="2"} 3', "expected ',' or '}'"],
    ["m{a=1} 2", "expected '\"'"],
    ['m{="1"} 2', "expected a label name"],
    ["m", "missing the sample value"],
    ["m{}", "missing the sample value"],
    ["m abc", "'abc' is not a number"],
    ["m 0x10", "'0x10' is not a number"],
    ["m 1 2 3", "unexpected text after the timestamp"],
    ["m 1 1.5", "is not a timestamp"],
    ["1m 2", "expected a metric name"],
    ["m-x 2", "expected a space or '{'"],
  ])("rejects %j (%s) with its line number", (line, detail) => {
    const err = parseError(`# HELP m ok\nok 1\n${line}\n`);
    expect(err.lineNumber).toBe(3);
    expect(err.message).toContain(detail);
    expect(err.message).toMatch(/^\/metrics line 3: /);
  });
});

describe("parsePrometheusNumber", () => {
  it("reads decimals, exponents and the special values, and nothing else", () => {
    expect(parsePrometheusNumber("0.001")).toBe(0.001);
    expect(parsePrometheusNumber("2560.0")).toBe(2560);
    expect(parsePrometheusNumber("1e+010")).toBe(1e10);
    expect(parsePrometheusNumber(".5")).toBe(0.5);
    expect(parsePrometheusNumber("+Inf")).toBe(Infinity);
    expect(parsePrometheusNumber("-inf")).toBe(-Infinity);
    expect(parsePrometheusNumber("NaN")).toBeNaN();
    for (const bad of ["", "0x1", "1_000", "1e", "Infinite", "--1", " 1"]) {
      expect(parsePrometheusNumber(bad)).toBeUndefined();
    }
  });
});
