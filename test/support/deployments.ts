import { chown, readdir, readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import type { TDeploymentSpecInput } from "@/lib/deployments/schema";
import type { TDeploymentView } from "@/lib/deployments/view";
import { FIXTURE_VLLM_VERSION, type FixtureIndex, makeModelFolder } from "../fixtures/vllm";
import type { TestHost } from "../hosts";
import { storedLines } from "./logs";

export const FIXTURE_MODEL_DIR = "/home/deploy/models/tiny";
export const FIXTURE_API_KEY = "fixture-api-key-0123456789";

const base = () => {
  const url = process.env.WEBOPS_TEST_URL;
  if (!url) throw new Error("WEBOPS_TEST_URL is not set: run under the system project");
  return url;
};

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${base()}${path}`, {
    method: init.method ?? "GET",
    headers: init.body === undefined ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return {
    status: res.status,
    body: (await res.json()) as T & { error?: string; fields?: Record<string, string> },
  };
}

/** Ports handed out by this process: each goes to one deployment. */
const handedOut = new Set<number>();

/**
 * A TCP port free now on loopback for a deployment's server (test hosts share this machine's
 * network), below the kernel's ephemeral range (32768 and up on
 * Linux): a port the kernel picks for listen(0) is one it also gives outgoing connections (pip's,
 * ssh's, the health checks'), so one of those could hold it by the time the deployment starts.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (!bound) continue;
    await new Promise((resolve) => server.close(resolve));
    handedOut.add(port);
    return port;
  }
  throw new Error("no free port between 20000 and 32000 after 200 tries");
}

/** The uid and gid of the host's SSH user, read from the host's own /etc/passwd. */
export async function ownerIds(host: TestHost): Promise<[number, number]> {
  const passwd = await readFile(join(host.rootDir, "etc/passwd"), "utf8");
  const fields = passwd
    .split("\n")
    .find((line) => line.startsWith(`${host.user}:`))
    ?.split(":");
  return [Number(fields?.[2]), Number(fields?.[3])];
}

/** TEST FIXTURE: the small model folder, written into the host's root and owned by its SSH user. */
export async function putModelOnHost(host: TestHost, dir = FIXTURE_MODEL_DIR): Promise<void> {
  const [uid, gid] = await ownerIds(host);
  const local = join(host.rootDir, dir);
  await makeModelFolder(local);
  const parts = dir.split("/").filter(Boolean);
  for (let i = 2; i <= parts.length; i++) await chown(join(host.rootDir, ...parts.slice(0, i)), uid, gid);
  for (const name of await readdir(local)) await chown(join(local, name), uid, gid);
}

/** A deployment of the fixture model with the stand-in vllm wheel from the fixture index (CPU wheels). */
export function fixturePipSpec(
  hostId: string,
  index: FixtureIndex,
  port: number,
  overrides: Partial<TDeploymentSpecInput> = {},
): TDeploymentSpecInput {
  return {
    hostId,
    model: { source: "path", path: FIXTURE_MODEL_DIR },
    servedModelName: "tiny-fixture",
    preset: "chat",
    install: {
      method: "pip",
      indexUrl: `${index.url}/simple`,
      version: FIXTURE_VLLM_VERSION,
      variant: "cpu",
    },
    serve: { host: "127.0.0.1", port, apiKey: FIXTURE_API_KEY, healthTimeoutS: 120, maxModelLen: 1024 },
    ...overrides,
  };
}

export async function createViaApi(spec: TDeploymentSpecInput, force = false) {
  const res = await api<{ id: string; operationId: string }>("/api/deployments", {
    method: "POST",
    body: { spec, force },
  });
  if (res.status !== 201) throw new Error(`POST /api/deployments: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function getViaApi(id: string): Promise<TDeploymentView> {
  const res = await api<TDeploymentView>(`/api/deployments/${id}`);
  if (res.status !== 200) throw new Error(`GET /api/deployments/${id}: ${res.status}`);
  return res.body;
}

/** Polls the deployment until `done` holds; fails with its last state after `timeoutMs`. */
export async function waitFor(
  id: string,
  done: (d: TDeploymentView) => boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<TDeploymentView> {
  const deadline = Date.now() + timeoutMs;
  let last = await getViaApi(id);
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(
        `Timed out; deployment is ${last.status} at ${last.stage}: ${last.error ?? ""}\n${last.stages.map((s) => `${s.name}=${s.status}${s.detail ? ` (${s.detail})` : ""}`).join("\n")}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
    last = await getViaApi(id);
  }
  return last;
}

export const ended = (d: TDeploymentView) => d.status !== "queued" && d.status !== "deploying";

/** The persisted log of a deployment, in order. */
export function storedLog(operationId: string) {
  return storedLines(operationId);
}
