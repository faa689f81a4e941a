// Every route of the built app (its route manifest, so a new route cannot be missed) refuses an
// anonymous request, a request with a session cookie that is not a session, and a viewer's
// mutating request; admin-only routes refuse an operator. The expectations below name only the
// exceptions; anything new is held to the strict rule.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../../lib/auth/cookie-name";
import { accountFromEnv, anonymousFetch } from "../support/accounts";

const BASE = process.env.WEBOPS_TEST_URL as string;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Routes anyone may call: liveness and readiness, the API's description, sign-in, Next's own error pages. */
const PUBLIC = new Set([
  "/api/health",
  "/healthz",
  "/api/openapi.json",
  "/api/auth/sign-in",
  "/signin",
  "/_not-found",
  "/_global-error",
]);
/** Mutating routes a viewer may call: their own session and API tokens. */
const VIEWER_MAY_CHANGE = new Set([
  "POST /api/auth/sign-out",
  "POST /api/auth/password",
  "POST /api/tokens",
  "DELETE /api/tokens/[id]",
]);
/** Routes for admins only (reads included: webhook URLs are secrets, users and the audit log are admin matters). */
const ADMIN_ONLY = [
  /^\/api\/users/,
  /^\/api\/audit$/,
  /^\/api\/webhooks/,
  /^(POST|PATCH|DELETE|PUT) \/api\/hosts(\/\[id\])?$/,
  /^PUT \/api\/hosts\/\[id\]\/disabled$/,
  /^POST \/api\/hosts\/\[id\]\/host-key$/,
  /^\/settings/,
  /^\/audit$/,
  /^\/hosts\/\[id\]\/edit$/,
];

interface TRoute {
  /** /api/hosts/[id] */
  pattern: string;
  kind: "page" | "api";
  methods: string[];
}

function routes(): TRoute[] {
  const manifest = JSON.parse(readFileSync(".next/app-path-routes-manifest.json", "utf8")) as Record<
    string,
    string
  >;
  return Object.entries(manifest).map(([file, pattern]) => {
    const kind = file.endsWith("/route") ? "api" : "page";
    if (kind === "page") return { pattern, kind, methods: ["GET"] };
    const source = readFileSync(join("app", `${file}.ts`), "utf8");
    const methods = METHODS.filter((m) => new RegExp(`export (async )?function ${m}\\b`).test(source));
    return { pattern, kind, methods };
  });
}

function url(pattern: string): string {
  return `${BASE}${pattern.replace("[format]", "compose").replace(/\[[^\]]+\]/g, "inventory-missing-id")}`;
}

function adminOnly(method: string, pattern: string): boolean {
  return ADMIN_ONLY.some((re) => re.test(pattern) || re.test(`${method} ${pattern}`));
}

async function call(method: string, pattern: string, headers: Record<string, string>): Promise<Response> {
  const body = method === "GET" || method === "DELETE" ? undefined : "{}";
  return anonymousFetch(url(pattern), {
    method,
    redirect: "manual",
    headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
    body,
  });
}

const all = routes();
const guarded = all.filter((r) => !PUBLIC.has(r.pattern) && r.pattern !== "/");

describe("access inventory", () => {
  it("finds every route file, and every route file has at least one method", () => {
    // The manifest is the build's; this checks it against the sources it came from.
    expect(all.length).toBeGreaterThan(50);
    for (const r of all.filter((r) => r.kind === "api")) expect(r.methods, r.pattern).not.toHaveLength(0);
    expect(existsSync("app/api/_lib/respond.ts")).toBe(true);
  });

  it("refuses anonymous requests to every guarded route: 401 from the API, sign-in for pages", async () => {
    for (const r of guarded)
      for (const method of r.methods) {
        const res = await call(method, r.pattern, {});
        if (r.kind === "api") {
          expect(res.status, `${method} ${r.pattern}`).toBe(401);
          expect(((await res.json()) as { error: string }).error).toMatch(/Sign in/);
        } else {
          expect(res.status, `${method} ${r.pattern}`).toBe(307);
          expect(res.headers.get("location"), r.pattern).toMatch(/\/signin/);
        }
      }
  });

  it("refuses a cookie that is no session (the proxy lets it through; the page and handler do not)", async () => {
    const cookie = `${SESSION_COOKIE}=ws_${"A".repeat(43)}`;
    for (const r of guarded)
      for (const method of r.methods) {
        const res = await call(method, r.pattern, { cookie });
        if (r.kind === "api") expect(res.status, `${method} ${r.pattern}`).toBe(401);
        else {
          expect([303, 307], `${method} ${r.pattern}`).toContain(res.status);
          expect(res.headers.get("location"), r.pattern).toMatch(/\/signin/);
        }
      }
  });

  it("refuses a viewer's mutating request on every route but their own session and tokens", async () => {
    const viewer = { authorization: `Bearer ${accountFromEnv("viewer").token}` };
    let checked = 0;
    for (const r of guarded.filter((r) => r.kind === "api"))
      for (const method of r.methods.filter((m) => m !== "GET")) {
        if (VIEWER_MAY_CHANGE.has(`${method} ${r.pattern}`)) continue;
        const res = await call(method, r.pattern, viewer);
        expect(res.status, `${method} ${r.pattern}`).toBe(403);
        checked += 1;
      }
    expect(checked).toBeGreaterThan(25);
  });

  it("refuses an operator on admin routes, and lets a viewer read the rest", async () => {
    const operator = { authorization: `Bearer ${accountFromEnv("operator").token}` };
    const viewer = { authorization: `Bearer ${accountFromEnv("viewer").token}` };
    for (const r of guarded.filter((r) => r.kind === "api"))
      for (const method of r.methods) {
        if (adminOnly(method, r.pattern)) {
          const res = await call(method, r.pattern, operator);
          expect(res.status, `operator ${method} ${r.pattern}`).toBe(403);
        } else if (method === "GET") {
          // Past the gate: found, not found or a validation answer, never refused.
          const res = await call(method, r.pattern, viewer);
          expect([401, 403], `viewer ${method} ${r.pattern}`).not.toContain(res.status);
        }
      }
  });

  it("serves pages to a viewer's session, and sends them away from admin and operator pages", async () => {
    const cookie = `${SESSION_COOKIE}=${accountFromEnv("viewer").session}`;
    for (const r of guarded.filter((r) => r.kind === "page" && !r.pattern.includes("["))) {
      const res = await call("GET", r.pattern, { cookie });
      if (adminOnly("GET", r.pattern) || r.pattern === "/deployments/new")
        expect(res.headers.get("location") ?? "", r.pattern).toMatch(/\/denied\?need=/);
      else expect(res.status, r.pattern).toBe(200);
    }
  });
});

describe("the API's description", () => {
  it("describes every route handler's methods, and nothing that is not one", async () => {
    const res = await anonymousFetch(`${BASE}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const described = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, "[$1]")}`),
    );
    const handlers = all
      .filter((r) => r.kind === "api")
      .flatMap((r) => r.methods.map((m) => `${m} ${r.pattern}`));
    expect(described.sort()).toEqual(handlers.sort());
  });
});
