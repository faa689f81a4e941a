// Sign-in, sessions, cross-site refusal, API tokens, users and the audit log, through the production
// web app (test/setup/system.ts) and its real PostgreSQL and Redis.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "@/lib/auth/cookie-name";
import { db, disconnectDb } from "@/lib/db";
import { testUrl } from "../setup/system-config";
import { accountFromEnv, anonymousFetch, TEST_PASSWORD } from "../support/accounts";

afterAll(() => disconnectDb());

type TJson = Record<string, unknown> & { error?: string; fields?: Record<string, string> };

async function call(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    token?: string;
    cookie?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: TJson; headers: Headers }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.cookie) headers.cookie = init.cookie;
  const res = await anonymousFetch(testUrl(path), {
    method: init.method ?? "GET",
    headers,
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === "string"
          ? init.body
          : JSON.stringify(init.body),
    redirect: "manual",
  });
  const text = await res.text();
  let body: TJson = {};
  try {
    body = JSON.parse(text) as TJson;
  } catch {
    body = { text };
  }
  return { status: res.status, body, headers: res.headers };
}

const unique = () => Math.random().toString(36).slice(2, 10);
const admin = () => accountFromEnv("admin").token;

async function newUser(role: "admin" | "operator" | "viewer", password = TEST_PASSWORD) {
  const email = `${role}-${unique()}@test.webops`;
  const res = await call("/api/users", { method: "POST", token: admin(), body: { email, role, password } });
  expect(res.status).toBe(201);
  return { email, id: (res.body.user as { id: string }).id, password };
}

async function signIn(email: string, password: string) {
  const res = await call("/api/auth/sign-in", { method: "POST", body: { email, password } });
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  return { ...res, setCookie, cookie };
}

async function auditRows(where: { action?: string; target?: string }) {
  return db().auditEntry.findMany({ where, orderBy: { id: "desc" } });
}

describe("sign-in and sessions", () => {
  it("signs in with email and password into an HttpOnly, SameSite cookie that works until sign-out", async () => {
    const user = await newUser("operator");
    const res = await signIn(user.email.toUpperCase(), user.password);
    expect(res.status).toBe(200);
    expect(res.setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=ws_`));
    expect(res.setCookie).toMatch(/HttpOnly/);
    expect(res.setCookie).toMatch(/SameSite=Lax/);
    expect(JSON.stringify(res.body)).not.toMatch(/ws_|passwordHash/);

    const me = await call("/api/auth/me", { cookie: res.cookie });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: user.email, role: "operator" });

    const out = await call("/api/auth/sign-out", { method: "POST", cookie: res.cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await call("/api/auth/me", { cookie: res.cookie })).status).toBe(401);
  });

  it("gives one message for a wrong password and an unknown email, and records both as denied", async () => {
    const user = await newUser("viewer");
    const wrong = await signIn(user.email, "not the password at all");
    const unknown = await signIn(`nobody-${unique()}@test.webops`, "not the password at all");
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.body.error).toBe("Wrong email or password");
      expect(r.setCookie).toBe("");
    }
    const denied = await auditRows({ action: "auth.sign_in", target: `user:${user.email}` });
    expect(denied[0]).toMatchObject({ outcome: "denied", actorId: null, actor: user.email });
    expect(denied[0]?.address).toMatch(/127\.0\.0\.1/);
  });

  it("refuses bad input with 400 and a message", async () => {
    for (const body of [
      "not json",
      { email: "x" },
      { email: ["a"], password: 1 },
      { email: `${"a".repeat(300)}@x` },
    ]) {
      const res = await call("/api/auth/sign-in", { method: "POST", body });
      expect(res.status).toBe(400);
      expect(typeof res.body.error).toBe("string");
    }
  });

  it("refuses an email after ten failures for a while, even with the right password", async () => {
    const user = await newUser("viewer");
    for (let i = 0; i < 10; i++) expect((await signIn(user.email, `wrong password ${i}`)).status).toBe(401);
    const blocked = await signIn(user.email, user.password);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatch(/Too many failed sign-ins; try again in \d+ minutes?/);
  });

  it("ends a disabled user's sessions and tokens at once", async () => {
    const user = await newUser("operator");
    const session = await signIn(user.email, user.password);
    const created = await call("/api/tokens", {
      method: "POST",
      cookie: session.cookie,
      headers: { origin: testUrl("") },
      body: { name: "ci", role: "operator", expiresInDays: 7 },
    });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect((await call("/api/auth/me", { token })).status).toBe(200);
    const disabled = await call(`/api/users/${user.id}`, {
      method: "PATCH",
      token: admin(),
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    expect((await call("/api/auth/me", { cookie: session.cookie })).status).toBe(401);
    expect((await call("/api/auth/me", { token })).status).toBe(401);
    expect((await signIn(user.email, user.password)).status).toBe(401);
  });
});

describe("cross-site requests", () => {
  it("refuses a mutating request with a session cookie from another site, and audits it", async () => {
    const user = await newUser("operator");
    const { cookie } = await signIn(user.email, user.password);
    const body = { name: `x-${unique()}`, role: "viewer", expiresInDays: 1 };
    const crossSite: Record<string, string>[] = [
      { origin: "http://evil.example" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of crossSite) {
      const res = await call("/api/tokens", { method: "POST", cookie, headers, body });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatch(/Cross-site requests cannot change anything/);
    }
    expect(await db().apiToken.count({ where: { name: body.name } })).toBe(0);
    const sameSite = await call("/api/tokens", {
      method: "POST",
      cookie,
      headers: { origin: testUrl("") },
      body,
    });
    expect(sameSite.status).toBe(201);
    const rows = await auditRows({ action: "api_token.create" });
    expect(rows.filter((r) => r.actor === user.email).map((r) => r.outcome)).toEqual([
      "success",
      "denied",
      "denied",
    ]);
  });
});

describe("API tokens", () => {
  it("acts with the token's scope, never above the owner's role, until revoked or expired", async () => {
    const user = await newUser("operator");
    const { cookie } = await signIn(user.email, user.password);
    const origin = { origin: testUrl("") };
    const tooHigh = await call("/api/tokens", {
      method: "POST",
      cookie,
      headers: origin,
      body: { name: "admin please", role: "admin", expiresInDays: 1 },
    });
    expect(tooHigh.status).toBe(403);
    expect(tooHigh.body.fields).toEqual({ role: "At most operator" });

    const made = await call("/api/tokens", {
      method: "POST",
      cookie,
      headers: origin,
      body: { name: "read only", role: "viewer", expiresInDays: 30 },
    });
    expect(made.status).toBe(201);
    const token = made.body.token as string;
    expect(token).toMatch(/^wo_[A-Za-z0-9_-]{43}$/);
    const me = await call("/api/auth/me", { token });
    expect(me.body).toMatchObject({ user: { email: user.email, role: "viewer" }, via: "token" });
    expect((await call("/api/hosts/none/checks", { method: "POST", token })).status).toBe(403);
    // A token cannot mint tokens.
    expect(
      (
        await call("/api/tokens", {
          method: "POST",
          token,
          body: { name: "child", role: "viewer", expiresInDays: 1 },
        })
      ).status,
    ).toBe(403);

    // Listed without the token or its hash.
    const listed = await call("/api/tokens", { cookie });
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(JSON.stringify(listed.body)).not.toMatch(/tokenHash|[0-9a-f]{64}/);

    const id = (made.body.apiToken as { id: string }).id;
    const revoked = await call(`/api/tokens/${id}`, { method: "DELETE", cookie, headers: origin });
    expect(revoked.status).toBe(200);
    expect((await call("/api/auth/me", { token })).status).toBe(401);

    const again = await call("/api/tokens", {
      method: "POST",
      cookie,
      headers: origin,
      body: { name: "short", role: "viewer", expiresInDays: 1 },
    });
    await db().apiToken.update({
      where: { id: (again.body.apiToken as { id: string }).id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await call("/api/auth/me", { token: again.body.token as string })).status).toBe(401);
  });

  it("refuses malformed tokens and Authorization headers", async () => {
    for (const authorization of [
      "Bearer",
      "Bearer wo_",
      "Basic YWRtaW46YWRtaW4=",
      `Bearer ${"x".repeat(5000)}`,
      "Bearer wo_' OR 1=1 --",
    ]) {
      const res = await call("/api/auth/me", { headers: { authorization } });
      expect(res.status, authorization.slice(0, 30)).toBe(401);
    }
  });
});

describe("users", () => {
  it("adds users with checked input, never shows a password hash, and refuses a duplicate", async () => {
    const short = await call("/api/users", {
      method: "POST",
      token: admin(),
      body: { email: `u-${unique()}@test.webops`, role: "viewer", password: "short" },
    });
    expect(short.status).toBe(400);
    expect(short.body.fields?.password).toBe("At least 12 characters");
    const badRole = await call("/api/users", {
      method: "POST",
      token: admin(),
      body: { email: `u-${unique()}@test.webops`, role: "root", password: TEST_PASSWORD },
    });
    expect(badRole.status).toBe(400);
    const user = await newUser("viewer");
    const dup = await call("/api/users", {
      method: "POST",
      token: admin(),
      body: { email: user.email, role: "viewer", password: TEST_PASSWORD },
    });
    expect(dup.status).toBe(409);
    const listed = await call("/api/users", { token: admin() });
    expect(JSON.stringify(listed.body)).not.toMatch(/passwordHash|argon2/);
  });

  it("signs a user out everywhere when their role changes, and keeps one enabled admin", async () => {
    const user = await newUser("viewer");
    const { cookie } = await signIn(user.email, user.password);
    const changed = await call(`/api/users/${user.id}`, {
      method: "PATCH",
      token: admin(),
      body: { role: "operator" },
    });
    expect(changed.status).toBe(200);
    expect((await call("/api/auth/me", { cookie })).status).toBe(401);
    const again = await signIn(user.email, user.password);
    expect((await call("/api/auth/me", { cookie: again.cookie })).body.user).toMatchObject({
      role: "operator",
    });

    const admins = await db().user.findMany({ where: { role: "admin", disabled: false } });
    if (admins.length === 1) {
      const last = admins[0] as { id: string };
      const demote = await call(`/api/users/${last.id}`, {
        method: "PATCH",
        token: admin(),
        body: { role: "viewer" },
      });
      expect(demote.status).toBe(409);
      expect(demote.body.error).toMatch(/last enabled admin/);
    }
    const unknownField = await call(`/api/users/${user.id}`, {
      method: "PATCH",
      token: admin(),
      body: { isAdmin: true },
    });
    expect(unknownField.status).toBe(400);
  });

  it("lets a user change their own password with the current one; their other sessions end", async () => {
    const user = await newUser("viewer");
    const a = await signIn(user.email, user.password);
    const b = await signIn(user.email, user.password);
    const origin = { origin: testUrl("") };
    const wrong = await call("/api/auth/password", {
      method: "POST",
      cookie: a.cookie,
      headers: origin,
      body: { current: "wrong wrong wrong", password: "a brand new password" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.fields).toEqual({ current: "Wrong password" });
    const ok = await call("/api/auth/password", {
      method: "POST",
      cookie: a.cookie,
      headers: origin,
      body: { current: user.password, password: "a brand new password" },
    });
    expect(ok.status).toBe(200);
    expect((await call("/api/auth/me", { cookie: a.cookie })).status).toBe(200);
    expect((await call("/api/auth/me", { cookie: b.cookie })).status).toBe(401);
    expect((await signIn(user.email, "a brand new password")).status).toBe(200);
    const audit = await auditRows({ action: "auth.password", target: `user:${user.email}` });
    expect(audit.map((r) => r.outcome)).toEqual(["success", "failure"]);
    expect(JSON.stringify(audit.map((r) => ({ ...r, id: String(r.id) })))).not.toContain(
      "a brand new password",
    );
  });
});

describe("audit log", () => {
  it("records mutating requests with actor, address, target and outcome; admins read it, others cannot", async () => {
    const operator = accountFromEnv("operator").token;
    const denied = await call("/api/hosts", { method: "POST", token: operator, body: {} });
    expect(denied.status).toBe(403);
    const failed = await call("/api/hosts/no-such-host/checks", { method: "POST", token: operator });
    expect(failed.status).toBe(404);
    const rows = await db().auditEntry.findMany({
      where: { actor: "operator@test.webops" },
      orderBy: { id: "desc" },
      take: 2,
    });
    expect(rows[0]).toMatchObject({
      action: "host.check",
      target: "host:no-such-host",
      outcome: "failure",
      via: expect.stringMatching(/^token:/),
    });
    expect(rows[0]?.address).toMatch(/127\.0\.0\.1/);
    expect(rows[0]?.requestId).not.toBe("");
    expect(rows[1]).toMatchObject({ action: "host.create", outcome: "denied" });

    const listed = await call("/api/audit?actor=operator@test.webops&action=host.", { token: admin() });
    expect(listed.status).toBe(200);
    const entries = listed.body.entries as { action: string }[];
    expect(entries.slice(0, 2).map((e) => e.action)).toEqual(["host.check", "host.create"]);
    expect((await call("/api/audit", { token: operator })).status).toBe(403);
    expect((await call("/api/audit?from=yesterday", { token: admin() })).status).toBe(400);
  });

  it("cannot be changed or deleted, even with direct database access", async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      for (const sql of [
        `UPDATE "AuditEntry" SET outcome = 'success'`,
        `DELETE FROM "AuditEntry"`,
        `TRUNCATE "AuditEntry"`,
      ])
        await expect(client.query(sql)).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
    expect(await db().auditEntry.count()).toBeGreaterThan(0);
  });
});

describe("secure headers", () => {
  it("come with pages and API answers alike", async () => {
    for (const path of ["/signin", "/api/health", "/api/auth/me"]) {
      const res = await call(path);
      expect(res.headers.get("content-security-policy"), path).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
      expect(res.headers.get("x-powered-by"), path).toBeNull();
    }
  });
});
