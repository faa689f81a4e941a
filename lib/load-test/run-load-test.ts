import type { Redis } from "ioredis";
import { db } from "../db";
import { credentialSecrets, startOperationRun } from "../operations/runner";
import { transition } from "../operations/state";
import { streamChatCompletion } from "../playground/model-client";
import { runningModel } from "../playground/model-endpoint";
import type { SshPool } from "../ssh";
import { promptOfWords } from "./prompt";
import { runConcurrently } from "./run-concurrently";
import { summarize, type TLoadTestFigures, type TRequestSample } from "./stats";

/** A progress line each tenth of the requests, and every few seconds while slow requests run. */
const PROGRESS_STEPS = 10;
const PROGRESS_EVERY_MS = 5000;

const ms = (v: number | null): string => (v === null ? "n/a" : `${Math.round(v)} ms`);

function figuresLine(f: TLoadTestFigures, total: number): string {
  const rate = (v: number | null, unit: string) => (v === null ? "n/a" : `${v.toFixed(1)} ${unit}`);
  return [
    `${f.succeeded}/${total} answered, ${f.errors} errors in ${(f.durationMs / 1000).toFixed(1)} s`,
    `latency p50 ${ms(f.latencyP50Ms)}, p95 ${ms(f.latencyP95Ms)}`,
    `TTFT p50 ${ms(f.ttftP50Ms)}, p95 ${ms(f.ttftP95Ms)}`,
    `${rate(f.outputTokensPerS, "output tokens/s")}, ${rate(f.requestsPerS, "requests/s")}`,
  ].join("; ");
}

/**
 * The worker's side of a load test: N streamed chat completions at concurrency C against the
 * deployment's vLLM, each through a direct-tcpip channel of the host's SSH connection, with progress
 * lines in the operation's log; the figures are stored on the LoadTest row. A run that was
 * interrupted (its worker died) starts over: its figures are those of a complete run.
 */
export async function runLoadTest(operationId: string, ctx: { redis: Redis; ssh: SshPool }): Promise<void> {
  const test = await db().loadTest.findUnique({ where: { operationId } });
  if (!test) return;
  const started = await startOperationRun(operationId, ctx.redis);
  if (!started) return;
  const { log } = started;
  try {
    const model = await runningModel(test.deploymentId);
    const info = model.connection;
    log.addSecrets([model.endpoint.apiKey, ...credentialSecrets(await info.target())]);
    const startedAt = new Date();
    await db().loadTest.update({
      where: { id: test.id },
      data: { startedAt, finishedAt: null, passed: null },
    });
    const where = `${model.endpoint.address}:${model.endpoint.port}`;
    log.system(
      `Load test of ${model.servedModelName}: ${test.requests} streamed requests, ${test.concurrency} at once, a prompt of ${test.promptWords} words, up to ${test.maxTokens} output tokens each`,
    );
    log.system(`Connecting to ${info.host.name} and through it to ${where}`);
    const prompt = promptOfWords(test.promptWords);
    const samples: TRequestSample[] = [];
    let inFlight = 0;
    const t0 = performance.now();
    const step = Math.max(1, Math.ceil(test.requests / PROGRESS_STEPS));
    const report = (): void => {
      const errors = samples.filter((x) => !x.ok).length;
      log.system(
        `${samples.length}/${test.requests} done, ${errors} errors, ${inFlight} in flight, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    };
    const progress = setInterval(report, PROGRESS_EVERY_MS);
    let durationMs = 0;
    try {
      await ctx.ssh.use(info.host.id, info.version, info.target, (connection) => {
        log.system(`Connected; sending requests`);
        return runConcurrently(test.requests, test.concurrency, async () => {
          inFlight += 1;
          const sentAt = performance.now();
          try {
            const r = await streamChatCompletion(connection, model.endpoint, {
              model: model.servedModelName,
              messages: [{ role: "user", content: prompt }],
              max_tokens: test.maxTokens,
              temperature: 0,
            });
            const tokens = r.completionTokens ?? r.text.split(/\s+/).filter(Boolean).length;
            samples.push({ ok: true, latencyMs: r.latencyMs, ttftMs: r.ttftMs, completionTokens: tokens });
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            if (!samples.some((s) => s.error === message)) log.line("stderr", `Request failed: ${message}`);
            samples.push({
              ok: false,
              latencyMs: performance.now() - sentAt,
              ttftMs: null,
              completionTokens: 0,
              error: message,
            });
          } finally {
            inFlight -= 1;
            if (samples.length % step === 0 || samples.length === test.requests) report();
          }
        });
      });
    } finally {
      clearInterval(progress);
      durationMs = performance.now() - t0;
    }
    const figures = summarize(samples, durationMs);
    const passed = figures.errors === 0 && figures.succeeded === test.requests;
    await db().loadTest.update({
      where: { id: test.id },
      data: { ...figures, passed, finishedAt: new Date() },
    });
    log.system(figuresLine(figures, test.requests));
    if (figures.succeeded === 0) {
      const error = `Every request failed: ${figures.errorMessages[0] ?? "unknown error"}`;
      log.system(error);
      await log.close();
      await transition(db(), operationId, "running", "failed", { error });
      log.status("failed", error);
      return;
    }
    log.system(passed ? "Passed: every request answered." : `Not passed: ${figures.errors} requests failed.`);
    await log.close();
    await transition(db(), operationId, "running", "succeeded", { result: { ...figures, passed } });
    log.status("succeeded");
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.system(`Load test failed: ${message}`);
    await db().loadTest.update({ where: { id: test.id }, data: { passed: false, finishedAt: new Date() } });
    await log.close();
    await transition(db(), operationId, "running", "failed", { error: message });
    log.status("failed", message);
  } finally {
    await log.close();
    await log.expireStream();
  }
}
