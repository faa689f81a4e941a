import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { env } from "@/lib/env";
import { LogWriter } from "@/lib/logs/writer";
import { createRedis } from "@/lib/redis";
import { testUrl } from "../setup/system-config";
import { storeLines } from "../support/logs";
import { launchBrowser, resultPath } from "./browser";

const TOTAL = 100_000;
const MARKER_SEQ = 54_321;
const STAGES = ["fetch", "build", "serve"] as const;

/** The big log, made up so each feature has something to find: stages, stderr, colours, a marker. */
function bigLogLine(seq: number) {
  const stage = STAGES[seq <= 30_000 ? 0 : seq <= 70_000 ? 1 : 2];
  const stream = seq % 10 === 0 ? "stderr" : seq % 1000 === 1 ? "system" : "stdout";
  let text = `line ${seq} of the big log`;
  if (seq % 100 === 95) text = `\u001b[31mred ${seq}\u001b[0m after the colour`;
  if (seq % 100 === 96) text = `\u001b[1;32mbold green ${seq}\u001b[0m \u001b]0;a window title\u0007no title`;
  if (seq === MARKER_SEQ) text = `the UNIQUE-marker-line is here (${seq})`;
  if (seq === TOTAL) text = `the very last line ${seq}`;
  return { seq, stream, stage, text } as const;
}

let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let hostId: string;
const redis = createRedis("blocking");

beforeAll(async () => {
  ({ context, close: closeBrowser } = await launchBrowser());
  const host = await db().host.create({
    data: { name: "log-viewer-e2e", address: "127.0.0.1", port: 22, username: "deploy", authMethod: "key" },
  });
  hostId = host.id;
});

afterAll(async () => {
  await closeBrowser?.();
  redis.disconnect();
  await disconnectDb();
});

async function bigOperation(): Promise<string> {
  const op = await db().operation.create({
    data: { kind: "host_check", hostId, status: "succeeded", finishedAt: new Date() },
  });
  const start = Date.now() - TOTAL;
  const lines = [];
  for (let seq = 1; seq <= TOTAL; seq++)
    lines.push({ at: new Date(start + seq).toISOString(), ...bigLogLine(seq) });
  await storeLines(op.id, lines);
  return op.id;
}

const seqsUpTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

const renderedSeqs = (page: Page) =>
  page.$$eval("[data-testid=log-line]", (els) => els.map((e) => Number(e.getAttribute("data-seq"))));

/** The row is drawn inside the log panel's visible area, not merely present in the DOM. */
async function isOnScreen(page: Page, seq: number): Promise<boolean> {
  return page.evaluate((s) => {
    const row = document.querySelector(`[data-testid=log-line][data-seq="${s}"]`);
    const panel = document.querySelector("[data-testid=log]");
    if (!row || !panel) return false;
    const r = row.getBoundingClientRect();
    const p = panel.getBoundingClientRect();
    return r.height > 0 && r.top >= p.top - 1 && r.bottom <= p.bottom + 1;
  }, seq);
}

describe("live log viewer in a real browser", () => {
  it("shows a 100,000-line log virtualized: tail, ANSI colours, stderr filter, search, download", async () => {
    const operationId = await bigOperation();
    const page = await context.newPage();
    const opened = Date.now();
    const pages: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/lines?")) pages.push(new URL(r.url()).search);
    });
    await page.goto(testUrl(`/operations/${operationId}`));
    await page.waitForSelector(`[data-testid=log-line][data-seq="${TOTAL}"]`, { timeout: 120_000 });
    await expect.poll(() => isOnScreen(page, TOTAL), { timeout: 10_000 }).toBe(true);
    const lastLineMs = Date.now() - opened;
    console.log(`log viewer: ${TOTAL} lines, last line on screen ${lastLineMs} ms after navigation`);
    // History came in bulk pages of stored lines, not as 100,000 separate events.
    // Pages of 20,000 in order, up to two requested ahead (the last ones past the end come back empty).
    const expectedPages = Array.from(
      { length: TOTAL / 20_000 + 1 },
      (_, k) => `?after=${k * 20_000}&limit=20000`,
    );
    expect(pages.slice(0, expectedPages.length)).toEqual(expectedPages);
    expect(pages.length).toBeLessThanOrEqual(expectedPages.length + 2);
    expect(await page.textContent(`[data-testid=log-line][data-seq="${TOTAL}"]`)).toContain(
      `the very last line ${TOTAL}`,
    );
    await page.waitForSelector("[data-testid=log-connection][data-state=ended]");
    expect(await page.textContent("[data-testid=log-count]")).toBe("100,000 lines");
    // Virtualized: only the rows around the visible ones are in the page.
    const inDom = (await renderedSeqs(page)).length;
    console.log(`log viewer: ${inDom} line elements in the DOM for ${TOTAL} lines`);
    expect(inDom).toBeGreaterThan(10);
    expect(inDom).toBeLessThan(500);
    await page.screenshot({ path: resultPath("log-viewer-100k-tail.png"), fullPage: true });

    // ANSI: the red run is a coloured span, with no escape characters left in the text.
    const red = await page.$eval(`[data-testid=log-line][data-seq="99995"]`, (row) => {
      const span = Array.from(row.querySelectorAll("span")).find((s) => s.textContent === "red 99995");
      return {
        text: row.textContent ?? "",
        className: span?.className ?? "",
        colour: span ? getComputedStyle(span).color : "",
        rowColour: getComputedStyle(row).color,
      };
    });
    expect(red.text).toContain("red 99995 after the colour");
    for (const raw of ["\u001b", "[31m", "[0m"]) expect(red.text).not.toContain(raw);
    expect(red.className).toContain("text-red");
    expect(red.colour).not.toBe(red.rowColour);
    const bold = await page.$eval(`[data-testid=log-line][data-seq="99996"]`, (row) => ({
      text: row.textContent ?? "",
      weight: Array.from(row.querySelectorAll("span"))
        .filter((s) => s.textContent === "bold green 99996")
        .map((s) => getComputedStyle(s).fontWeight),
    }));
    expect(bold.text).toContain("bold green 99996 no title");
    expect(bold.text).not.toContain("window title");
    expect(bold.weight).toEqual(["700"]);

    // stderr only: every row shown is a stderr line, one in ten of the log.
    await page.check("[data-testid=log-stderr-only]");
    await expect.poll(() => page.textContent("[data-testid=log-count]")).toBe("100,000 lines, 10,000 shown");
    const streams = await page.$$eval("[data-testid=log-line]", (els) =>
      els.map((e) => e.getAttribute("data-stream")),
    );
    expect(streams.length).toBeGreaterThan(10);
    expect(new Set(streams)).toEqual(new Set(["stderr"]));
    await page.uncheck("[data-testid=log-stderr-only]");
    await expect.poll(() => page.textContent("[data-testid=log-count]")).toBe("100,000 lines");

    // Search, case-insensitive: one match, scrolled to and marked.
    const searchStarted = Date.now();
    await page.fill("[data-testid=log-search]", "unique-MARKER");
    await expect.poll(() => page.textContent("[data-testid=log-search-count]")).toBe("1 of 1");
    await expect.poll(() => isOnScreen(page, MARKER_SEQ), { timeout: 10_000 }).toBe(true);
    console.log(
      `log viewer: search over ${TOTAL} lines scrolled to the match in ${Date.now() - searchStarted} ms`,
    );
    expect(
      await page.textContent(`[data-testid=log-line][data-seq="${MARKER_SEQ}"] [data-testid=log-match]`),
    ).toBe("UNIQUE-marker");
    expect(await page.isVisible("[data-testid=log-jump-latest]")).toBe(true);
    await page.screenshot({ path: resultPath("log-viewer-100k-search.png"), fullPage: true });
    await page.click("[data-testid=log-jump-latest]");
    await expect.poll(() => isOnScreen(page, TOTAL)).toBe(true);

    // Download: the whole log as text, one row per line.
    const href = await page.getAttribute("[data-testid=log-download]", "href");
    expect(href).toBe(`/api/operations/${operationId}/log`);
    const downloadStarted = Date.now();
    const response = await fetch(testUrl(href as string));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${operationId}.log"`);
    const rows = (await response.text()).split("\n");
    console.log(`log viewer: download of ${TOTAL} lines took ${Date.now() - downloadStarted} ms`);
    expect(rows.pop()).toBe("");
    expect(rows).toHaveLength(TOTAL);
    expect(rows[0]).toMatch(
      /^1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z system \[fetch\] \| line 1 of the big log$/,
    );
    expect(rows[9]).toMatch(/^10 \S+ stderr \[fetch\] \| line 10 of the big log$/);
    expect(rows.at(-1)).toMatch(/^100000 \S+ stderr \[serve\] \| the very last line 100000$/);
    expect(rows.every((row, i) => row.startsWith(`${i + 1} `))).toBe(true);
    await page.close();
  }, 240_000);

  it("follows a live log: Pause holds lines back, Resume shows each once; a dropped stream resumes", async () => {
    const op = await db().operation.create({
      data: { kind: "host_check", hostId, status: "running", startedAt: new Date() },
    });
    const log = new LogWriter({
      operationId: op.id,
      redis,
      afterSeq: 0,
      streamTtlSeconds: env().WEBOPS_LOG_STREAM_TTL_S,
      flushIntervalMs: 20,
    });
    log.status("running");
    const page = await context.newPage();
    // Keeps the page's EventSources within the test's reach, to drop one.
    await page.addInitScript(() => {
      const Native = window.EventSource;
      const sources: EventSource[] = [];
      (window as unknown as { eventSources: EventSource[] }).eventSources = sources;
      window.EventSource = class extends Native {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init);
          sources.push(this);
        }
      };
    });
    await page.goto(testUrl(`/operations/${op.id}`));
    await page.waitForSelector("[data-testid=log-connection][data-state=live]");

    for (let i = 1; i <= 5; i++) log.line("stdout", `live ${i}`);
    await expect.poll(() => renderedSeqs(page)).toEqual([1, 2, 3, 4, 5]);

    await page.click("[data-testid=log-pause]");
    await page.waitForSelector("[data-testid=log-pause][aria-pressed=true]");
    for (let i = 6; i <= 10; i++)
      log.line(i % 2 ? "stdout" : "stderr", `\u001b[33mwhile paused ${i}\u001b[0m`);
    // Received (counted on the button) but not shown.
    await expect.poll(() => page.textContent("[data-testid=log-pause]")).toBe("Resume (5 new)");
    expect(await renderedSeqs(page)).toEqual([1, 2, 3, 4, 5]);
    await page.screenshot({ path: resultPath("log-viewer-paused.png"), fullPage: true });

    await page.click("[data-testid=log-pause]");
    await expect.poll(() => renderedSeqs(page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const texts = await page.$$eval("[data-testid=log-line]", (els) =>
      els.map((e) => e.textContent?.replace(/^\d+/, "")),
    );
    expect(texts).toEqual([
      ...[1, 2, 3, 4, 5].map((i) => `live ${i}`),
      ...[6, 7, 8, 9, 10].map((i) => `while paused ${i}`),
    ]);
    expect(await page.textContent("[data-testid=log-pause]")).toBe("Pause");

    // A dropped connection that EventSource gives up on (as after an HTTP error on reconnect): the
    // viewer reopens the stream after the last line it has; lines written meanwhile arrive, each once.
    const opened: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/events")) opened.push(new URL(request.url()).search);
    });
    await page.evaluate(() => {
      const sources = (window as unknown as { eventSources: EventSource[] }).eventSources;
      const source = sources.at(-1) as EventSource;
      source.close();
      source.dispatchEvent(new Event("error"));
    });
    await page.waitForSelector("[data-testid=log-connection][data-state=reconnecting]");
    for (let i = 11; i <= 13; i++) log.line("stdout", `after the drop ${i}`);
    await page.waitForSelector("[data-testid=log-connection][data-state=live]", { timeout: 15_000 });
    await expect.poll(() => renderedSeqs(page)).toEqual(seqsUpTo(13));
    expect(opened).toEqual(["?after=10"]);

    // The end: lines after the reconnect still arrive, then the final status.
    log.line("stdout", "done");
    await log.close();
    // As a run does: the operation's row ends first, then its final entry goes to the stream.
    await db().operation.update({
      where: { id: op.id },
      data: { status: "succeeded", finishedAt: new Date(), lineCount: 14 },
    });
    log.status("succeeded");
    await log.close();
    await page.waitForSelector("[data-testid=operation-status][data-status=succeeded]", { timeout: 15_000 });
    expect(await renderedSeqs(page)).toEqual(seqsUpTo(14));
    expect(await page.textContent("[data-testid=log-line][data-seq='14']")).toBe("14done");
    await page.close();
  });
});
