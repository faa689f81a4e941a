import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { unsealHostSecret } from "@/lib/hosts/credentials";
import { masterKey } from "@/lib/secrets";
import { generateEd25519KeyPair } from "@/lib/ssh/keygen";
import { startTestHost, stopAllTestHosts, type TestHost } from "../hosts";
import { TEST_SYSTEM, testUrl } from "../setup/system-config";
import { storedLines } from "../support/logs";
import { addHost, runCheck } from "../support/operations";

// Secrets go in through the API and the worker uses them; afterwards none of them may be found in
// clear in a database dump, an API response, a page, the operation logs or the processes' logs.
let keyHost: TestHost;
let passwordHost: TestHost;
const passphrase = "pass phrase 7f3a";
const password = "pw-9c41-e2b7'\"";
const pair = generateEd25519KeyPair({ passphrase });
const secrets: string[] = [];
const hostIds: string[] = [];

/** The private key's base64 body lines: any one of them in clear is a leak. */
function keyBodyLines(privateKey: string): string[] {
  return privateKey.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
}

beforeAll(async () => {
  keyHost = await startTestHost("bare", { authorizedKeys: [pair.public] });
  passwordHost = await startTestHost("bare", { password });
  const viaPassphrase = await addHost(keyHost, { privateKey: pair.private, passphrase });
  const viaPassword = await addHost(passwordHost, { auth: "password", privateKey: "", password });
  const generated = await addHost(keyHost, { auth: "generate", privateKey: "" });
  const plain = await addHost(keyHost);
  hostIds.push(viaPassphrase.id, viaPassword.id, generated.id, plain.id);
  for (const id of hostIds) await runCheck(id);
  const generatedRow = await db().host.findUniqueOrThrow({ where: { id: generated.id } });
  const generatedKey = unsealHostSecret(generated.id, "privateKey", generatedRow.privateKeySealed as string);
  secrets.push(
    passphrase,
    password,
    ...keyBodyLines(pair.private),
    ...keyBodyLines(keyHost.privateKey),
    ...keyBodyLines(generatedKey),
    masterKey().bytes.toString("base64"),
    masterKey().bytes.toString("hex"),
  );
});

afterAll(async () => {
  await stopAllTestHosts();
  await disconnectDb();
});

function leaks(text: string): string[] {
  return secrets.filter((s) => text.includes(s));
}

describe("no secret in clear", () => {
  it("the checks that used them succeeded (so the secrets were really in play)", async () => {
    const ops = await db().operation.findMany({ where: { hostId: { in: hostIds } } });
    const byHost = new Map(ops.map((o) => [o.hostId, o.status]));
    expect(hostIds.map((id) => byHost.get(id))).toEqual(["succeeded", "succeeded", "failed", "succeeded"]);
    expect(secrets.length).toBeGreaterThan(10);
  });

  it("in a pg_dump of the whole database", () => {
    const url = new URL(process.env.DATABASE_URL as string);
    const dump = execFileSync(
      "pg_dump",
      ["--no-owner", "-h", url.hostname, "-p", url.port, "-U", url.username, url.pathname.slice(1)],
      {
        env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    expect(dump).toContain("privateKeySealed");
    expect(dump).toMatch(/v1\.[0-9a-f]{16}\./);
    expect(leaks(dump)).toEqual([]);
  });

  it("in API responses and pages", async () => {
    const urls = [
      "/api/hosts",
      "/hosts",
      ...hostIds.flatMap((id) => [`/api/hosts/${id}`, `/hosts/${id}`, `/hosts/${id}/edit`]),
    ];
    for (const path of urls) {
      const res = await fetch(testUrl(path));
      const body = await res.text();
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect({ path, leaks: leaks(body) }).toEqual({ path, leaks: [] });
      expect({ path, sealed: /v1\.[0-9a-f]{16}\./.test(body) }).toEqual({ path, sealed: false });
    }
  });

  it("in operation logs and in the web app's and worker's own logs", async () => {
    const ops = await db().operation.findMany({ where: { hostId: { in: hostIds } }, select: { id: true } });
    const lines = (await Promise.all(ops.map((op) => storedLines(op.id)))).flat();
    expect(lines.length).toBeGreaterThan(20);
    expect(leaks(lines.map((l) => l.text).join("\n"))).toEqual([]);
    const logDir = join(TEST_SYSTEM.dataDir, "logs");
    for (const file of readdirSync(logDir)) {
      expect({ file, leaks: leaks(readFileSync(join(logDir, file), "utf8")) }).toEqual({ file, leaks: [] });
    }
  });
});
