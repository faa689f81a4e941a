import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { generateMasterKey, type MasterKey, seal, unseal } from "@/lib/secrets/cipher";
import { deploymentSecretContext, hostSecretContext, webhookSecretContext } from "@/lib/secrets/contexts";
import { createKeyFile, readKeyFile } from "@/lib/secrets/master-key";
import { resealAll } from "@/lib/secrets/rotate";
import { prisma } from "../../scripts/lib/app-processes";

// `npm run secrets:rotate` for real: its own database (in the test PostgreSQL) and data folder, so
// the shared web app and worker keep their key.
const run = promisify(execFile);
const database = `webops_rotate_${process.pid}`;
let url: string;
let client: PrismaClient;
let dataDir: string;
const clear = {
  privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
  password: "pw'\"$x",
  apiKey: "vllm-api-key-123456",
  webhookSecret: "webhook-signing-secret-789",
};

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function rotate(env: Record<string, string>) {
  return run(process.execPath, ["--import", "tsx", "scripts/rotate-secret-key.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      // Rotating needs the database only: no Redis.
      REDIS_URL: "",
      WEBOPS_DATA_DIR: dataDir,
      WEBOPS_SECRET_KEY: "",
      WEBOPS_SECRET_KEY_FILE: "",
      ...env,
    },
  });
}

async function seedHosts(key: MasterKey): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, auth] of (["key", "password", "key"] as const).entries()) {
    const host = await client.host.create({
      data: { name: `r${i}`, address: "127.0.0.1", username: "deploy", authMethod: auth },
    });
    await client.host.update({
      where: { id: host.id },
      data:
        auth === "key"
          ? { privateKeySealed: seal(key, clear.privateKey, hostSecretContext(host.id, "privateKey")) }
          : { passwordSealed: seal(key, clear.password, hostSecretContext(host.id, "password")) },
    });
    ids.push(host.id);
  }
  // A deployment's API key is a stored secret too.
  const hostId = ids[0] as string;
  const operation = await client.operation.create({ data: { kind: "deploy", hostId } });
  const deployment = await client.deployment.create({
    data: {
      hostId,
      operationId: operation.id,
      spec: {},
      specHash: "x",
      modelName: "m",
      installMethod: "pip",
      dirId: "d",
    },
  });
  await client.deployment.update({
    where: { id: deployment.id },
    data: { apiKeySealed: seal(key, clear.apiKey, deploymentSecretContext(deployment.id, "apiKey")) },
  });
  // And an outgoing webhook's signing secret.
  const webhook = await client.webhookEndpoint.create({
    data: { name: `rotate-${ids.length}-${Date.now()}`, url: "http://127.0.0.1:9/hook", events: [] },
  });
  await client.webhookEndpoint.update({
    where: { id: webhook.id },
    data: { secretSealed: seal(key, clear.webhookSecret, webhookSecretContext(webhook.id)) },
  });
  return ids;
}

async function opensWith(key: MasterKey): Promise<boolean> {
  const hosts = await client.host.findMany();
  const deployments = await client.deployment.findMany();
  const webhooks = await client.webhookEndpoint.findMany();
  try {
    expect(webhooks.length).toBeGreaterThan(0);
    for (const w of webhooks)
      expect(unseal(key, w.secretSealed ?? "", webhookSecretContext(w.id))).toBe(clear.webhookSecret);
    for (const d of deployments)
      expect(unseal(key, d.apiKeySealed ?? "", deploymentSecretContext(d.id, "apiKey"))).toBe(clear.apiKey);
    for (const h of hosts) {
      if (h.privateKeySealed)
        expect(unseal(key, h.privateKeySealed, hostSecretContext(h.id, "privateKey"))).toBe(clear.privateKey);
      if (h.passwordSealed)
        expect(unseal(key, h.passwordSealed, hostSecretContext(h.id, "password"))).toBe(clear.password);
    }
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  await admin(`DROP DATABASE IF EXISTS ${database}`);
  await admin(`CREATE DATABASE ${database}`);
  const u = new URL(process.env.DATABASE_URL as string);
  u.pathname = `/${database}`;
  url = u.toString();
  prisma(["migrate", "deploy"], { ...process.env, DATABASE_URL: url });
  client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
});

afterAll(async () => {
  await client?.$disconnect();
  await admin(`DROP DATABASE IF EXISTS ${database}`);
});

describe("rotating the master key", () => {
  it("re-seals every secret under a new key file, then opens them only with it", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "webops-rotate-"));
    const keyFile = join(dataDir, "secret.key");
    createKeyFile(keyFile);
    const old = readKeyFile(keyFile);
    await seedHosts(old);
    const { stdout } = await rotate({});
    expect(stdout).toMatch(
      /re-sealed 5 secret\(s\) in 5 record\(s\) \(hosts, deployments, webhooks\) under master key [0-9a-f]{16} \(was [0-9a-f]{16}\)/,
    );
    const fresh = readKeyFile(keyFile);
    expect(fresh.id).not.toBe(old.id);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(await opensWith(fresh)).toBe(true);
    expect(await opensWith(old)).toBe(false);
  });

  it("finishes a rotation interrupted after the database moved but before the key file did", async () => {
    const keyFile = join(dataDir, "secret.key");
    const current = readKeyFile(keyFile);
    const next = generateMasterKey();
    createKeyFile(`${keyFile}.next`, next);
    await resealAll(client, current, next); // the transaction committed, then the process died
    const { stdout } = await rotate({});
    expect(stdout).toMatch(/re-sealed 0 secret\(s\) in 0 record\(s\).*; 5 already were/);
    expect(readKeyFile(keyFile).id).toBe(next.id);
    expect(await opensWith(next)).toBe(true);
  });

  it("with WEBOPS_SECRET_KEY, needs WEBOPS_NEW_SECRET_KEY and says what to set afterwards", async () => {
    const current = readKeyFile(join(dataDir, "secret.key"));
    const currentText = current.bytes.toString("base64");
    await expect(rotate({ WEBOPS_SECRET_KEY: currentText })).rejects.toMatchObject({
      stderr: expect.stringMatching(/set WEBOPS_NEW_SECRET_KEY to the new key/),
    });
    expect(await opensWith(current)).toBe(true);
    const next = generateMasterKey();
    const { stdout } = await rotate({
      WEBOPS_SECRET_KEY: currentText,
      WEBOPS_NEW_SECRET_KEY: next.bytes.toString("hex"),
    });
    expect(stdout).toMatch(/now set WEBOPS_SECRET_KEY to the new key/);
    expect(await opensWith(next)).toBe(true);
  });

  it("refuses while WebOps runs from that data folder, and changes nothing", async () => {
    const busy = mkdtempSync(join(tmpdir(), "webops-rotate-busy-"));
    mkdirSync(join(busy, "run"));
    writeFileSync(join(busy, "run", "worker.pid"), String(process.pid));
    createKeyFile(join(busy, "secret.key"));
    const before = readFileSync(join(busy, "secret.key"), "utf8");
    const saved = dataDir;
    dataDir = busy;
    try {
      await expect(rotate({})).rejects.toMatchObject({
        stderr: expect.stringMatching(/WebOps is running \(worker\); stop it first with: npm stop/),
      });
    } finally {
      dataDir = saved;
    }
    expect(readFileSync(join(busy, "secret.key"), "utf8")).toBe(before);
    rmSync(busy, { recursive: true, force: true });
  });
});
