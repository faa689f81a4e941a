import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/api/openapi";
import { db, disconnectDb } from "@/lib/db";
import { type FixtureIndex, startFixtureIndex } from "../fixtures/vllm";
import { startTestHost, type TestHost } from "../hosts";
import { testUrl } from "../setup/system-config";
import { accountFromEnv, anonymousFetch } from "../support/accounts";
import { ended, fixturePipSpec, freePort, putModelOnHost, waitFor } from "../support/deployments";
import { addHost, runCheck } from "../support/operations";

// Hostile input, property-based (fast-check): every body field, path parameter and query parameter of
// every API operation (from the API's own description) gets shell metacharacters, overlong strings,
// odd unicode and wrong types. The server answers 4xx with a message or 2xx, never 500, and the canary
// files the payloads try to create never appear, on the test host or here. Deployments whose hostile
// values pass validation are really run on a `ready` test host (TEST FIXTURES: index and model folder).
const CANARY = "webops-canary";
const SHELL = [
  `; touch /tmp/${CANARY}`,
  `$(touch /tmp/${CANARY})`,
  `\`touch /tmp/${CANARY}\``,
  `| touch /tmp/${CANARY}`,
  `&& touch ~/${CANARY}`,
  `\ntouch /tmp/${CANARY}\n`,
  `' ; touch /tmp/${CANARY} ; '`,
  `" ; touch /tmp/${CANARY} ; "`,
  `\${IFS}touch\${IFS}/tmp/${CANARY}`,
  `-oProxyCommand=touch /tmp/${CANARY}`,
  `--help; touch ~/${CANARY}`,
  `x'"$(touch /tmp/${CANARY})"'`,
  "../../../../etc/passwd",
  "%0atouch%20/tmp/webops-canary",
  "\u0000\u0007\u001b[31m",
  "ℌ𝔢𝔩𝔩𝔬 👋 \u202e\u200b Ω",
];

const hostileString = fc.oneof(
  fc.constantFrom(...SHELL),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer({ min: 300, max: 70_000 }).map((n) => "A".repeat(n)),
  fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...SHELL)).map(([a, b]) => a + b),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), hostileString, { maxKeys: 3 }),
);
const hostileValue = fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 1, arbitrary: wrongType });

interface TOp {
  method: string;
  path: string;
  fields: string[];
  query: string[];
}

function operations(): TOp[] {
  const doc = openApiDocument() as {
    paths: Record<
      string,
      Record<string, { parameters: { name: string; in: string }[]; requestBody?: unknown }>
    >;
  };
  const ops: TOp[] = [];
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      const schema = (
        op.requestBody as { content: { "application/json": { schema: { properties?: object } } } }
      )?.content["application/json"].schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        fields: Object.keys(schema?.properties ?? {}),
        query: op.parameters.filter((p) => p.in === "query").map((p) => p.name),
      });
    }
  return ops;
}

let host: TestHost;
let index: FixtureIndex;
let hostId = "";
const admin = () => ({ authorization: `Bearer ${accountFromEnv("admin").token}` });

function canaries(): string[] {
  return [
    join(host.rootDir, "tmp", CANARY),
    join(host.rootDir, "home", host.user, CANARY),
    join(host.rootDir, "home", host.user, "webops", CANARY),
    join("/tmp", CANARY),
  ].filter((p) => existsSync(p));
}

beforeAll(async () => {
  rmSync(join("/tmp", CANARY), { force: true });
  [index, host] = await Promise.all([startFixtureIndex(), startTestHost("ready", { name: "hostile" })]);
  await putModelOnHost(host);
  hostId = (await addHost(host, { name: `hostile-${Date.now()}` })).id;
  const check = await runCheck(hostId);
  expect(check.operation.status, check.texts.join("\n")).toBe("succeeded");
}, 180_000);

afterAll(async () => {
  await Promise.all([index?.stop(), host?.stop()]);
  await disconnectDb();
});

/** Undoes what a fuzzed request made, so nothing it created acts later (a webhook to nowhere). */
async function cleanUp(path: string, status: number, body: unknown): Promise<void> {
  if (status !== 201) return;
  const made = body as { webhook?: { id: string }; host?: { id: string } };
  if (path === "/api/webhooks" && made.webhook)
    await anonymousFetch(testUrl(`/api/webhooks/${made.webhook.id}`), { method: "DELETE", headers: admin() });
  if (path === "/api/hosts" && made.host)
    await anonymousFetch(testUrl(`/api/hosts/${made.host.id}`), { method: "DELETE", headers: admin() });
}

async function send(op: TOp, pathValue: string, query: Record<string, string>, body: unknown) {
  const path = op.path.replace(/\{[^}]+\}/g, encodeURIComponent(pathValue));
  const qs = new URLSearchParams(query).toString();
  const res = await anonymousFetch(testUrl(`${path}${qs ? `?${qs}` : ""}`), {
    method: op.method,
    headers: { ...admin(), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // A live stream is left after its first bytes; anything else (errors included) is read whole.
  const streaming = res.ok && (res.headers.get("content-type") ?? "").startsWith("text/event-stream");
  const text = streaming ? "" : await res.text();
  if (streaming) await res.body?.cancel();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Text answers (logs, exports, metrics).
  }
  await cleanUp(op.path, res.status, parsed);
  return { status: res.status, text, parsed };
}

describe("hostile input", () => {
  const ops = operations().filter((o) => o.path !== "/api/auth/sign-out");

  it("answers every fuzzed body field with a 4xx and a message, or a 2xx; never 500", async () => {
    for (const op of ops.filter((o) => o.fields.length > 0)) {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...op.fields),
          hostileValue,
          fc.dictionary(fc.constantFrom(...op.fields), hostileValue, { maxKeys: op.fields.length }),
          async (field, value, others) => {
            const res = await send(op, "fuzz-id", {}, { ...others, [field]: value });
            if (res.status >= 500)
              throw new Error(`${op.method} ${op.path} {${field}}: ${res.status} ${res.text}`);
            if (res.status >= 400)
              expect((res.parsed as { error?: unknown })?.error, `${op.method} ${op.path}`).toBeTypeOf(
                "string",
              );
          },
        ),
        { numRuns: 25 },
      );
    }
  }, 600_000);

  it("answers fuzzed path and query parameters and whole bodies of the wrong type; never 500", async () => {
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(
          hostileString,
          fc.dictionary(
            fc.constantFrom("x", ...op.query),
            hostileString.map((s) => s.slice(0, 3000)),
            { maxKeys: 4 },
          ),
          op.method === "GET" || op.method === "DELETE"
            ? fc.constant(undefined)
            : fc.oneof(wrongType, fc.constant({})),
          async (id, query, body) => {
            const res = await send(op, id.slice(0, 3000), query, body);
            if (res.status >= 500)
              throw new Error(`${op.method} ${op.path}: ${res.status} ${res.text.slice(0, 500)}`);
          },
        ),
        { numRuns: 10 },
      );
    }
    expect(canaries()).toEqual([]);
  }, 600_000);

  it("runs deployments whose hostile values pass validation without the shell ever seeing them unquoted", async () => {
    const hostile = `x$(touch /tmp/${CANARY})\`touch ~/${CANARY}\`'"; touch /tmp/${CANARY}`;
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    const keyed = fixturePipSpec(hostId, index, p2);
    const specs = [
      { ...fixturePipSpec(hostId, index, p1), servedModelName: hostile },
      { ...keyed, serve: { ...keyed.serve, apiKey: `key${hostile}` } },
      {
        ...fixturePipSpec(hostId, index, p3),
        model: { source: "path", path: `/home/deploy/models/${hostile}` },
      },
    ];
    const ids: string[] = [];
    for (const spec of specs) {
      const res = await anonymousFetch(testUrl("/api/deployments"), {
        method: "POST",
        headers: { ...admin(), "content-type": "application/json" },
        body: JSON.stringify({ spec, force: true }),
      });
      const body = (await res.json()) as { id?: string; error?: string };
      expect(res.status, body.error).toBeLessThan(500);
      if (res.status === 201) ids.push(body.id as string);
    }
    // At least the served model name and the API key are free text: they must reach the host.
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) await waitFor(id, ended, 240_000);
    const deps = await db().deployment.findMany({ where: { id: { in: ids } } });
    expect(deps.map((d) => d.status)).toContain("running");
    expect(canaries()).toEqual([]);
  }, 600_000);
});
