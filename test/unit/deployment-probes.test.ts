import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploymentSteps } from "@/lib/deployments/commands";
import {
  healthProbeCommand,
  logTailCommand,
  PROBE_EXIT,
  sanityRequestCommand,
} from "@/lib/deployments/probes";
import { type TDeploymentSpecInput, ZDeploymentSpec } from "@/lib/deployments/schema";
import { type RemoteCommand, toShell } from "@/lib/ssh/command";

const API_KEY = "sk-probe-SECRET-key";
const facts = { gpus: [], systemd: false, memoryKiB: 8 * 1024 * 1024, cpuCount: 4 };
let home = "";
let server: Server;
let port = 0;
const seen: { url?: string; auth?: string; body?: string }[] = [];

const spec = (over: Partial<TDeploymentSpecInput["serve"]> = {}) =>
  ZDeploymentSpec.parse({
    hostId: "h1",
    model: { source: "path", path: "/srv/models/tiny" },
    install: { method: "pip", variant: "cpu" },
    serve: { apiKey: API_KEY, port, ...over },
  });

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = "";
    req.on("data", (c) => {
      data += c;
    });
    req.on("end", () => resolve(data));
  });

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "webops-probe-"));
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    seen.push({ url: req.url, auth: req.headers.authorization, body });
    if (req.url === "/health") return res.end();
    if (req.headers.authorization !== `Bearer ${API_KEY}`) {
      res.statusCode = 401;
      return res.end('{"error":"Unauthorized"}');
    }
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ choices: [{ message: { role: "assistant", content: "ready" } }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  // the deployment folder and its service.env, as the pipeline's first steps leave them
  for (const step of deploymentSteps(spec(), "d1", "~/webops", facts).slice(0, 2)) await run(step.command);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(home, { recursive: true, force: true });
});

/** Runs the command's `toShell` line through a real sh without blocking the test's HTTP server. */
function run(command: RemoteCommand): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      "sh",
      ["-c", toShell(command)],
      { env: { NODE_ENV: "test", HOME: home, PATH: process.env.PATH }, encoding: "utf8" },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(command.stdin ?? "");
  });
}

describe("health and sanity probes", () => {
  it("answers 0 when /health answers", async () => {
    expect((await run(healthProbeCommand(spec(), "d1", "~/webops"))).code).toBe(PROBE_EXIT.ok);
  });

  it("answers 2 (keep waiting) while nothing listens on the port", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await run(healthProbeCommand(spec({ port: freePort }), "d1", "~/webops"));
    expect(result.code).toBe(PROBE_EXIT.refused);
    expect(result.stderr).toMatch(/not listening yet/);
  });

  it("sends the sanity chat completion with the API key from service.env, not from argv", async () => {
    const command = sanityRequestCommand(spec(), "d1", "~/webops");
    expect(toShell(command)).not.toContain(API_KEY);
    const result = await run(command);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).choices[0].message.content).toBe("ready");
    const request = seen.find((r) => r.url === "/v1/chat/completions");
    expect(request?.auth).toBe(`Bearer ${API_KEY}`);
    expect(JSON.parse(request?.body ?? "{}")).toMatchObject({ model: "tiny", max_tokens: 16 });
  });

  it("fails with the HTTP status when the server refuses the request", async () => {
    // deployment d2 has no service.env, so no API key is sent and the server answers 401
    const result = await run(sanityRequestCommand(spec(), "d2", "~/webops"));
    expect(result.stderr).toMatch(/HTTP 401/);
    expect(result.code).toBe(PROBE_EXIT.failed);
  });

  it("reads the tail of the log, empty when there is none yet", async () => {
    expect((await run(logTailCommand("d1", "~/webops"))).stdout).toBe("");
  });
});
