import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { generateEd25519KeyPair } from "@/lib/ssh/keygen";
import { testUrl } from "../setup/system-config";

// The production web app (started by test/setup/system.ts) over HTTP, with the real database behind it.
afterAll(() => disconnectDb());

const key = generateEd25519KeyPair();
const valid = () => ({
  name: `api-${Math.random().toString(36).slice(2, 10)}`,
  address: "127.0.0.1",
  port: 22,
  username: "deploy",
  privateKey: key.private,
});

async function post(path: string, body: unknown, raw = false) {
  const res = await fetch(testUrl(path), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe("hosts API", () => {
  it("creates a host and never returns its private key", async () => {
    const created = await post("/api/hosts", valid());
    expect(created.status).toBe(201);
    const listed = await (await fetch(testUrl("/api/hosts"))).text();
    for (const body of [created.text, listed]) {
      expect(body).not.toContain("PRIVATE KEY");
      expect(body).not.toContain("privateKey");
    }
  });

  it.each([
    ["address with a shell operator", { address: "127.0.0.1; touch /tmp/pwned" }, "address"],
    ["option-like user", { username: "-oProxyCommand=id" }, "username"],
    ["public key instead of a private one", { privateKey: key.public }, "privateKey"],
    [
      "garbage key",
      { privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----" },
      "privateKey",
    ],
    ["port out of range", { port: 70000 }, "port"],
  ])("refuses %s with a field error and changes nothing", async (_label, override, field) => {
    const before = await db().host.count();
    const res = await post("/api/hosts", { ...valid(), ...override });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as { error: string; fields: Record<string, string> };
    expect(Object.keys(body.fields)).toEqual([field]);
    expect(res.text).not.toContain("BEGIN OPENSSH");
    expect(await db().host.count()).toBe(before);
  });

  it("refuses a body that is not JSON, and a duplicate name", async () => {
    expect((await post("/api/hosts", "{not json", true)).status).toBe(400);
    const host = valid();
    expect((await post("/api/hosts", host)).status).toBe(201);
    const again = await post("/api/hosts", host);
    expect(again.status).toBe(409);
    expect(JSON.parse(again.text).fields).toEqual({ name: "This name is taken" });
  });

  it("answers 404 for a check of an unknown host and for an unknown operation's events", async () => {
    expect((await post("/api/hosts/does-not-exist/checks", {})).status).toBe(404);
    expect((await fetch(testUrl("/api/operations/does-not-exist/events"))).status).toBe(404);
  });

  it("refuses a resume point that is not a line number", async () => {
    const res = await fetch(testUrl("/api/operations/x/events?after=1;DROP"));
    expect(res.status).toBe(400);
  });

  it("reports database and Redis health", async () => {
    const res = await fetch(testUrl("/api/health"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: "ok", redis: "ok" });
  });
});
