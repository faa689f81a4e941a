/*
 * The Prometheus text exposition format 0.0.4, as vLLM's /metrics serves it (Python's
 * prometheus_client): https://prometheus.io/docs/instrumenting/exposition_formats/
 *
 * Hand-written rather than a dependency: the one npm parser for it (parse-prometheus-text-format)
 * has had no release since 2018, ships no types, and groups samples into families we would only
 * take apart again. Strict the way Prometheus' own scraper is: a malformed line fails the whole
 * text with its line number, so a chart never shows half a scrape as if it were all of it.
 */

export interface TSample {
  /** The series name as exposed, suffix included: `vllm:prompt_tokens_total`, `..._bucket`. */
  name: string;
  labels: Record<string, string>;
  /** NaN, +Inf and -Inf are kept as JavaScript's NaN and ±Infinity. */
  value: number;
  /** Milliseconds since the epoch, when the line carries one (prometheus_client never writes it). */
  timestampMs?: number;
}

export class PrometheusParseError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly detail: string,
    readonly line: string,
  ) {
    super(`/metrics line ${lineNumber}: ${detail}: ${line.length > 200 ? `${line.slice(0, 200)}...` : line}`);
    this.name = "PrometheusParseError";
  }
}

const METRIC_NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const LABEL_ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', n: "\n" };

/**
 * A sample value or an `le`/`quantile` label as Go's ParseFloat reads them in this format: decimals
 * with an optional exponent, and NaN, Inf, +Inf, -Inf in any case. Undefined when it is not one.
 */
export function parsePrometheusNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === "nan") return Number.NaN;
  if (/^[+-]?inf(inity)?$/.test(lower)) return lower.startsWith("-") ? -Infinity : Infinity;
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/**
 * Every sample in the text, in order. Comment lines, HELP and TYPE included, are skipped: what the
 * snapshot needs is in the series names (`_bucket`, `_sum`, `_count`).
 */
export function parsePrometheusText(text: string): TSample[] {
  const samples: TSample[] = [];
  const lines = text.split("\n");
  for (const [index, raw] of lines.entries()) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const start = skipBlanks(line, 0);
    if (start === line.length || line[start] === "#") continue;
    samples.push(parseSampleLine(line, start, index + 1));
  }
  return samples;
}

function parseSampleLine(line: string, start: number, lineNumber: number): TSample {
  const fail = (detail: string): never => {
    throw new PrometheusParseError(lineNumber, detail, line);
  };
  const name = matchAt(METRIC_NAME, line, start) ?? fail("expected a metric name");
  let i = skipBlanks(line, start + name.length);
  // Entries, not assignments: Object.fromEntries keeps a label named __proto__ as a plain label.
  const labels: [string, string][] = [];

  if (line[i] === "{") {
    i = skipBlanks(line, i + 1);
    while (line[i] !== "}") {
      const label = matchAt(LABEL_NAME, line, i) ?? fail("expected a label name or '}'");
      i = skipBlanks(line, i + label.length);
      if (line[i] !== "=") fail(`expected '=' after label ${label}`);
      i = skipBlanks(line, i + 1);
      if (line[i] !== '"') fail(`expected '"' to open the value of label ${label}`);
      let value = "";
      for (i += 1; line[i] !== '"'; i += 1) {
        const char = line[i] ?? fail(`the value of label ${label} is not closed`);
        if (char !== "\\") {
          value += char;
          continue;
        }
        i += 1;
        const escaped = LABEL_ESCAPES[line[i] ?? ""];
        value += escaped ?? fail(`invalid escape '\\${line[i] ?? ""}' in label ${label}`);
      }
      if (labels.some(([seen]) => seen === label)) fail(`label ${label} appears twice`);
      labels.push([label, value]);
      i = skipBlanks(line, i + 1);
      if (line[i] === ",") i = skipBlanks(line, i + 1);
      else if (line[i] !== "}") fail(`expected ',' or '}' after the value of label ${label}`);
    }
    i += 1;
  } else if (i === start + name.length && i < line.length) {
    fail("expected a space or '{' after the metric name");
  }

  const [valueText, timestampText, ...extra] = line
    .slice(i)
    .trim()
    .split(/[ \t]+/);
  if (!valueText) fail("missing the sample value");
  if (extra.length > 0) fail("unexpected text after the timestamp");
  const value = parsePrometheusNumber(valueText ?? "") ?? fail(`'${valueText}' is not a number`);
  const sample: TSample = { name, labels: Object.fromEntries(labels), value };
  if (timestampText !== undefined) {
    if (!INTEGER.test(timestampText)) fail(`'${timestampText}' is not a timestamp in milliseconds`);
    sample.timestampMs = Number(timestampText);
  }
  return sample;
}

function matchAt(pattern: RegExp, line: string, index: number): string | undefined {
  pattern.lastIndex = index;
  return pattern.exec(line)?.[0];
}

function skipBlanks(line: string, index: number): number {
  let i = index;
  while (line[i] === " " || line[i] === "\t") i += 1;
  return i;
}
