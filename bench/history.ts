// npm run bench:history — the deployment history at scale: 10,000 deployments with 1,000,000 log
// lines seeded into the benchmark's own PostgreSQL; the history API's filtered pages and a log search
// through the production web app, each against the same query sent straight to PostgreSQL in the
// same run; and the time until a 100,000-line log is usable in a real browser, against fetching the
// same lines without a browser. Writes bench/results/history.json.
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { deploymentsWithLogMatch } from "../lib/logs/search";
import { launchBrowser } from "../test/e2e/browser";
import { seedHistory, type TSeeded } from "./history/seed";
import { startBenchSystem } from "./logs/system";
import { median } from "./support/stats";

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, "results", "history.json");
const TARGETS = { list_p95_ms_max: 100, search_ms_max: 500, log_view_usable_ms_max: 1500 };
const PLACE = { postgres: 54369, redis: 63839, web: 3130, dataDir: ".data/bench-history" };

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
const round1 = (n: number) => Math.round(n * 10) / 10;

function push(into: Record<string, number[]>, key: string, value: number): void {
  const list = into[key] ?? [];
  list.push(value);
  into[key] = list;
}

interface TListCase {
  name: string;
  query: string;
  /** The same page as SQL: the baseline. */
  sql: { where: string; params: unknown[] };
}

function listCases(seeded: TSeeded, cursor: { t: string; id: string }): TListCase[] {
  const host = seeded.hostIds[3] as string;
  const from = "2026-06-01";
  const to = "2026-06-30";
  const range = `d."createdAt" >= '2026-06-01T00:00:00Z' AND d."createdAt" < '2026-07-01T00:00:00Z'`;
  return [
    { name: "newest", query: "", sql: { where: "TRUE", params: [] } },
    { name: "status", query: "status=failed", sql: { where: `d.status = 'failed'`, params: [] } },
    { name: "host", query: `host=${host}`, sql: { where: `d."hostId" = $1`, params: [host] } },
    { name: "model", query: "model=llama", sql: { where: `d."modelName" ILIKE '%llama%'`, params: [] } },
    { name: "user", query: "user=alice", sql: { where: `d."createdBy" = 'alice'`, params: [] } },
    { name: "date range", query: `from=${from}&to=${to}`, sql: { where: range, params: [] } },
    {
      name: "status, host and dates",
      query: `status=running,failed&host=${host}&from=2026-01-01&to=2026-12-31`,
      sql: {
        where: `d.status IN ('running','failed') AND d."hostId" = $1 AND d."createdAt" >= '2026-01-01T00:00:00Z' AND d."createdAt" < '2027-01-01T00:00:00Z'`,
        params: [host],
      },
    },
    {
      name: "status, second page",
      query: `status=failed&cursor=${Buffer.from(JSON.stringify(cursor)).toString("base64url")}`,
      sql: {
        where: `d.status = 'failed' AND (d."createdAt", d.id) < ($1::timestamptz, $2)`,
        params: [cursor.t, cursor.id],
      },
    },
  ];
}

async function timedGet(url: string): Promise<{ ms: number; body: unknown; status: number }> {
  const started = performance.now();
  const res = await fetch(url);
  const body = await res.json();
  return { ms: performance.now() - started, body, status: res.status };
}

async function timedSql(client: pg.Client, text: string, params: unknown[]): Promise<number> {
  const started = performance.now();
  await client.query(text, params);
  return performance.now() - started;
}

async function main() {
  const rounds = 30;
  const loadBefore = loadavg();
  console.log("starting PostgreSQL, Redis and the web app (own ports) ...");
  const system = await startBenchSystem(PLACE);
  process.env.DATABASE_URL = system.databaseUrl;
  const client = new pg.Client({ connectionString: system.databaseUrl });
  await client.connect();
  const searchPool = new pg.Pool({ connectionString: system.databaseUrl, max: 1 });
  const closeBrowser: (() => Promise<void>)[] = [];
  try {
    console.log("seeding 10,000 deployments and 1,000,000 log lines ...");
    const seedStarted = performance.now();
    const seeded = await seedHistory(client);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    await client.query("ANALYZE");
    console.log(`seeded in ${round1(seedSeconds)} s`);

    // The list: each filter `rounds` times, through the API and straight to PostgreSQL, interleaved.
    const firstFailed = (await timedGet(`${system.webUrl}/api/deployments?status=failed`)).body as {
      deployments: { id: string; createdAt: string }[];
    };
    const last = firstFailed.deployments.at(-1);
    if (!last) throw new Error("no failed deployments were seeded");
    const cases = listCases(seeded, { t: last.createdAt, id: last.id });
    const api: Record<string, number[]> = {};
    const sql: Record<string, number[]> = {};
    for (const c of cases)
      for (let i = 0; i < 3; i++) await timedGet(`${system.webUrl}/api/deployments?${c.query}`);
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) {
        const res = await timedGet(`${system.webUrl}/api/deployments?${c.query}`);
        if (res.status !== 200) throw new Error(`${c.name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        if ((res.body as { deployments: unknown[] }).deployments.length === 0)
          throw new Error(`${c.name}: an empty page; the seed should fill it`);
        push(api, c.name, res.ms);
        const text = `SELECT d.id, d.status, d.stage, d."modelName", d."installMethod", d."createdBy", d."createdAt",
          d."startedAt", d."finishedAt", d.error, h.id AS "hostId", h.name AS "hostName"
          FROM "Deployment" d JOIN "Host" h ON h.id = d."hostId"
          WHERE ${c.sql.where}
          ORDER BY d."createdAt" DESC, d.id DESC LIMIT 26`;
        push(sql, c.name, await timedSql(client, text, c.sql.params));
      }
    }
    const allApi = Object.values(api).flat();
    const allSql = Object.values(sql).flat();

    // The log search: a term in 1% of the deployments' logs and one in none (every chunk read).
    const terms = [
      { term: seeded.needle, expected: seeded.needleDeployments },
      { term: `no-such-text-${process.pid}`, expected: 0 },
    ];
    const search: Record<string, number[]> = {};
    const searchSql: Record<string, number[]> = {};
    for (const { term, expected } of terms) {
      // Exactness first: walk every page and count.
      let found = 0;
      let cursor: string | null = null;
      do {
        const res = await timedGet(
          `${system.webUrl}/api/deployments?limit=100&q=${encodeURIComponent(term)}${cursor ? `&cursor=${cursor}` : ""}`,
        );
        const body = res.body as {
          deployments: { logMatch?: { text: string } }[];
          nextCursor: string | null;
        };
        if (body.deployments.some((d) => !d.logMatch?.text.includes(term)))
          throw new Error(`search "${term}": a row without its matching line`);
        found += body.deployments.length;
        cursor = body.nextCursor;
      } while (cursor);
      if (found !== expected) throw new Error(`search "${term}" found ${found} deployments, not ${expected}`);
      for (let r = 0; r < 5; r++) {
        const res = await timedGet(`${system.webUrl}/api/deployments?q=${encodeURIComponent(term)}`);
        push(search, term, res.ms);
        const sqlStarted = performance.now();
        const ids = await deploymentsWithLogMatch(term, searchPool);
        push(searchSql, term, performance.now() - sqlStarted);
        if (ids.length !== expected)
          throw new Error(`the search query alone found ${ids.length}, not ${expected}`);
      }
    }
    const allSearch = Object.values(search).flat();
    const allSearchSql = Object.values(searchSql).flat();

    // The 100,000-line log in a real browser: navigation until its last line is on screen and the
    // count says every line is loaded; against the same pages fetched without a browser.
    const views: number[] = [];
    const fetchOnly: number[] = [];
    const browser = await launchBrowser({ baseUrl: system.webUrl, session: system.session });
    closeBrowser.push(browser.close);
    for (let r = 0; r < 4; r++) {
      const page = await browser.context.newPage();
      const started = performance.now();
      await page.goto(`${system.webUrl}/operations/${seeded.bigOperationId}`);
      await page.waitForFunction(
        (total) => {
          const row = document.querySelector(`[data-testid=log-line][data-seq="${total}"]`);
          const panel = document.querySelector("[data-testid=log]");
          const count = document.querySelector("[data-testid=log-count]")?.textContent ?? "";
          if (!row || !panel || count !== `${total.toLocaleString("en-US")} lines`) return false;
          const a = row.getBoundingClientRect();
          const b = panel.getBoundingClientRect();
          return a.height > 0 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
        },
        seeded.bigLines,
        { timeout: 60_000, polling: "raf" },
      );
      const ms = performance.now() - started;
      if (r > 0) views.push(ms); // the first view also compiles the page: a warm-up
      await page.close();
      const fetchStarted = performance.now();
      let after = 0;
      while (after < seeded.bigLines) {
        const res = await fetch(
          `${system.webUrl}/api/operations/${seeded.bigOperationId}/lines?after=${after}&limit=20000`,
        );
        const body = (await res.json()) as { lines: unknown[] };
        if (body.lines.length === 0) throw new Error(`no lines after ${after}`);
        after += body.lines.length;
      }
      if (r > 0) fetchOnly.push(performance.now() - fetchStarted);
    }

    const listP95 = percentile(allApi, 95);
    const searchMs = Math.max(...Object.values(search).map((v) => median(v)));
    const viewMs = median(views);
    const met = {
      list_p95: listP95 < TARGETS.list_p95_ms_max,
      search: searchMs < TARGETS.search_ms_max,
      log_view_usable: viewMs < TARGETS.log_view_usable_ms_max,
    };
    const result = {
      list_p95_ms: round1(listP95),
      search_ms: round1(searchMs),
      log_view_usable_ms: round1(viewMs),
      baseline: {
        list_p95_sql_ms: round1(percentile(allSql, 95)),
        search_sql_ms: round1(Math.max(...Object.values(searchSql).map((v) => median(v)))),
        log_fetch_without_browser_ms: round1(median(fetchOnly)),
      },
      targets: TARGETS,
      met,
      details: {
        list_p50_ms: round1(percentile(allApi, 50)),
        list_requests: allApi.length,
        list_p95_ms_by_filter: Object.fromEntries(
          Object.entries(api).map(([k, v]) => [k, round1(percentile(v, 95))]),
        ),
        list_sql_p95_ms_by_filter: Object.fromEntries(
          Object.entries(sql).map(([k, v]) => [k, round1(percentile(v, 95))]),
        ),
        search_median_ms_by_term: Object.fromEntries(
          Object.entries(search).map(([k, v]) => [
            k === seeded.needle ? "in 1% of logs" : "in none",
            round1(median(v)),
          ]),
        ),
        search_all_ms: allSearch.map(round1),
        search_sql_all_ms: allSearchSql.map(round1),
        log_view_all_ms: views.map(round1),
        seeded: {
          deployments: seeded.deployments,
          log_lines: seeded.logLines,
          big_log_lines: seeded.bigLines,
          seconds: round1(seedSeconds),
        },
      },
      method: {
        list: `${cases.length} filters (${cases.map((c) => c.name).join("; ")}) × ${rounds} rounds over HTTP, one at a time, 25 rows a page; baseline: the same page's SELECT sent to PostgreSQL by pg`,
        search:
          "GET /api/deployments?q= (first page with each row's first matching line) for a term in 1% of the logs and one in none, 5 times each, median per term, the slower term reported; baseline: the same search query (deploymentsWithLogMatch) sent to PostgreSQL by pg, without the web app",
        log_view:
          "headless Chromium opens /operations/:id of a finished 100,000-line log; usable = the last line drawn inside the log panel and the count showing every line; median of 3 after a warm-up; baseline: the same pages fetched with fetch() and parsed, no browser",
      },
      machine: {
        os: `${type()} ${release()}`,
        cpus: cpus().length,
        memory_gb: Math.round(totalmem() / 2 ** 30),
        load_before: loadBefore.map(round1),
        load_after: loadavg().map(round1),
      },
      setup: system.setup,
      at: new Date().toISOString(),
    };
    await mkdir(dirname(RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
    console.log(
      [
        "",
        `history list p95     ${result.list_p95_ms} ms over ${allApi.length} requests (SQL alone ${result.baseline.list_p95_sql_ms} ms; target < ${TARGETS.list_p95_ms_max} ms)  ${verdict(met.list_p95)}`,
        `log search           ${result.search_ms} ms (the query alone ${result.baseline.search_sql_ms} ms; target < ${TARGETS.search_ms_max} ms)  ${verdict(met.search)}`,
        `100,000-line log     usable ${result.log_view_usable_ms} ms (fetch without a browser ${result.baseline.log_fetch_without_browser_ms} ms; target < ${TARGETS.log_view_usable_ms_max} ms)  ${verdict(met.log_view_usable)}`,
        `wrote ${RESULTS}`,
      ].join("\n"),
    );
    if (!Object.values(met).every(Boolean)) console.log("\nTARGET MISSED (see above)");
  } finally {
    for (const close of closeBrowser) await close();
    await client.end();
    await searchPool.end();
    const { disconnectDb } = await import("../lib/db");
    await disconnectDb();
    const { endPgPool } = await import("../lib/pg-pool");
    await endPgPool();
    await system.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
