import { execFile } from "node:child_process";
import { chown, readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SshConnection } from "@/lib/ssh";
import {
  FIXTURE_SOURCE_BUILD,
  FIXTURE_SOURCE_TAG,
  FIXTURE_VLLM_VERSION,
  type FixtureIndex,
  makeModelFolder,
  makeSourceRepo,
  startFixtureIndex,
} from "../fixtures/vllm";
import { startTestHost, type TestHost } from "../hosts";
import { freePort, ownerIds } from "../support/deployments";

// The vLLM test fixtures against a real `ready` test host, offline: pip installs the stand-in wheel
// from the loopback index, and `vllm serve` answers like vLLM's OpenAI-compatible server.
let host: TestHost;
let index: FixtureIndex;
let connection: SshConnection;

const API_KEY = "fixture-key-123";
const SERVED = "tiny-fixture";
const MODEL_DIR = "/home/deploy/models/tiny";

beforeAll(async () => {
  [host, index] = await Promise.all([startTestHost("ready"), startFixtureIndex()]);
  connection = await SshConnection.open(
    {
      name: host.name,
      address: host.address,
      port: host.port,
      username: host.user,
      auth: { kind: "key", privateKey: host.privateKey },
      hostKeyFingerprint: host.hostKeyFingerprint,
    },
    { connectTimeoutMs: 10_000 },
  );
});

afterAll(async () => {
  connection?.close();
  await Promise.all([host?.stop(), index?.stop()]);
});

async function run(program: string, args: string[], timeoutMs = 60_000) {
  const lines: string[] = [];
  const result = await connection.exec({ program, args, timeoutMs }, (_stream, text) => lines.push(text));
  return { ...result, lines, output: lines.join("\n") };
}

/** Writes the model folder into the host's root as deploy would own it. */
async function putModelOnHost(): Promise<number> {
  const [uid, gid] = await ownerIds(host);
  const local = join(host.rootDir, MODEL_DIR);
  const { bytes } = await makeModelFolder(local);
  for (const dir of ["home/deploy/models", MODEL_DIR.slice(1)])
    await chown(join(host.rootDir, dir), uid, gid);
  for (const name of await readdir(local)) await chown(join(local, name), uid, gid);
  return bytes;
}

describe("vLLM fixtures on a ready test host", () => {
  let port = 0;
  let pid = "";
  const base = () => `http://127.0.0.1:${port}`;
  const auth = { Authorization: `Bearer ${API_KEY}`, "Content-Type": "application/json" };

  it("installs the stand-in vllm with pip from the loopback index only", async () => {
    const venv = await run("python3", ["-m", "venv", "/home/deploy/venv-fixture"]);
    expect(venv.exitCode, venv.output).toBe(0);
    const started = Date.now();
    const pip = await run(
      "/home/deploy/venv-fixture/bin/pip",
      [
        "install",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "--index-url",
        `${index.url}/simple`,
        `vllm==${FIXTURE_VLLM_VERSION}`,
      ],
      120_000,
    );
    expect(pip.exitCode, pip.output).toBe(0);
    expect(pip.output).toContain(`Successfully installed vllm-${FIXTURE_VLLM_VERSION}`);
    expect(index.requests).toContain(`/packages/${index.wheel.fileName}`);
    console.info(`pip install took ${Date.now() - started} ms`);
    const version = await run("/home/deploy/venv-fixture/bin/vllm", ["--version"]);
    expect(version.lines).toEqual([FIXTURE_VLLM_VERSION]);
  });

  it("refuses a model argument that is not a folder with config.json", async () => {
    const serve = await run("/home/deploy/venv-fixture/bin/vllm", ["serve", "/home/deploy/missing"]);
    expect(serve.exitCode).toBe(1);
    expect(serve.output).toMatch(/not a directory containing config\.json/);
  });

  it("serves after loading, like vLLM: health, models, chat, streaming, metrics, API key", async () => {
    const modelBytes = await putModelOnHost();
    expect(modelBytes).toBeGreaterThan(1_000_000);
    port = await freePort();
    const serveArgs = [
      "serve",
      MODEL_DIR,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--served-model-name",
      SERVED,
      "--api-key",
      API_KEY,
      "--max-model-len",
      "1024",
      "--gpu-memory-utilization",
      "0.5",
      "--dtype",
      "bfloat16",
      "--enforce-eager",
      "--swap-space",
      "4",
    ];
    const launch = await run("sh", [
      "-c",
      'WEBOPS_FIXTURE_LOAD_SECONDS=1.5 "$@" > /home/deploy/vllm.log 2>&1 < /dev/null & echo $!',
      "sh",
      "/home/deploy/venv-fixture/bin/vllm",
      ...serveArgs,
    ]);
    expect(launch.exitCode, launch.output).toBe(0);
    pid = launch.lines[0] ?? "";
    expect(pid).toMatch(/^\d+$/);

    // Connection refused while "loading weights" means: not ready yet.
    const started = Date.now();
    let refusedWhileLoading = 0;
    for (;;) {
      const ok = await fetch(`${base()}/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      refusedWhileLoading++;
      if (Date.now() - started > 20_000)
        throw new Error((await run("cat", ["/home/deploy/vllm.log"])).output);
      await new Promise((r) => setTimeout(r, 200));
    }
    console.info(`vllm serve ready after ${Date.now() - started} ms`);
    expect(refusedWhileLoading).toBeGreaterThan(0);
    const log = (await run("cat", ["/home/deploy/vllm.log"])).output;
    expect(log).toMatch(/Loading weights took [\d.]+ seconds/);
    expect(log).toContain(`Starting vLLM API server 0 on http://127.0.0.1:${port}`);
    expect(log).not.toContain(API_KEY);

    expect((await fetch(`${base()}/v1/models`)).status).toBe(401);
    expect((await fetch(`${base()}/v1/models`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(
      401,
    );
    const models = await (await fetch(`${base()}/v1/models`, { headers: auth })).json();
    expect(models).toMatchObject({
      object: "list",
      data: [{ id: SERVED, object: "model", max_model_len: 1024 }],
    });

    const chat = await fetch(`${base()}/v1/chat/completions`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ model: SERVED, messages: [{ role: "user", content: "hello there" }] }),
    });
    expect(chat.status).toBe(200);
    const completion = await chat.json();
    expect(completion).toMatchObject({
      object: "chat.completion",
      model: SERVED,
      choices: [{ index: 0, message: { role: "assistant", content: "fixture answer to: hello there" } }],
      usage: { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 },
    });

    const stream = await fetch(`${base()}/v1/chat/completions`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({
        model: SERVED,
        stream: true,
        messages: [{ role: "user", content: "stream me" }],
      }),
    });
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = (await stream.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, "")));
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toBe(
      "fixture answer to: stream me",
    );
    expect(chunks.at(-1).choices[0].finish_reason).toBe("stop");

    expect(
      (
        await fetch(`${base()}/v1/chat/completions`, {
          method: "POST",
          body: JSON.stringify({ messages: [] }),
        })
      ).status,
    ).toBe(401);

    const metrics = await (await fetch(`${base()}/metrics`)).text();
    const value = (name: string) =>
      Number(metrics.match(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, "m"))?.[1] ?? Number.NaN);
    expect(value("vllm:prompt_tokens_total")).toBe(4);
    expect(value("vllm:generation_tokens_total")).toBe(10);
    expect(value("vllm:num_requests_running")).toBe(0);
    expect(value("vllm:num_requests_waiting")).toBe(0);
    expect(value("vllm:gpu_cache_usage_perc")).toBe(0);
    expect(value("vllm:time_to_first_token_seconds_count")).toBe(2);
    expect(value("vllm:e2e_request_latency_seconds_count")).toBe(2);
    expect(metrics).toContain(
      'vllm:e2e_request_latency_seconds_bucket{model_name="tiny-fixture",le="+Inf"} 2.0',
    );
  });

  it("stops cleanly on SIGTERM", async () => {
    expect(pid).not.toBe("");
    const stop = await run("sh", [
      "-c",
      'kill -TERM "$1"; for i in $(seq 50); do kill -0 "$1" 2>/dev/null || exit 0; sleep 0.1; done; exit 1',
      "sh",
      pid,
    ]);
    expect(stop.exitCode).toBe(0);
    const log = (await run("cat", ["/home/deploy/vllm.log"])).output;
    expect(log).toContain("Application shutdown complete.");
    await expect(fetch(`${base()}/health`)).rejects.toThrow();
  });
});

describe("vLLM source fixture on a ready test host", () => {
  it("clones the tagged repository and builds it offline with CMake, Ninja, numa and OpenMP", async () => {
    const repo = await makeSourceRepo(join(host.rootDir, "home/deploy/src/vllm-fixture"));
    const [uid, gid] = await ownerIds(host);
    await promisify(execFile)("chown", ["-R", `${uid}:${gid}`, join(host.rootDir, "home/deploy/src")]);
    const clone = await run("git", [
      "clone",
      "--quiet",
      "--branch",
      FIXTURE_SOURCE_TAG,
      "file:///home/deploy/src/vllm-fixture",
      "/home/deploy/vllm-src",
    ]);
    expect(clone.exitCode, clone.output).toBe(0);
    expect((await run("git", ["-C", "/home/deploy/vllm-src", "rev-parse", "HEAD"])).lines).toEqual([
      repo.commit,
    ]);
    expect((await run("python3", ["-m", "venv", "/home/deploy/venv-source"])).exitCode).toBe(0);
    const started = Date.now();
    const build = await run(
      "sh",
      [
        "-c",
        'cd /home/deploy/vllm-src && exec env "$@" 2>&1',
        "sh",
        ...Object.entries(FIXTURE_SOURCE_BUILD.env).map(([k, v]) => `${k}=${v}`),
        "/home/deploy/venv-source/bin/pip",
        "-v",
        ...FIXTURE_SOURCE_BUILD.pipArgs,
      ],
      300_000,
    );
    console.info(`source build took ${Date.now() - started} ms`);
    expect(build.exitCode, build.output.slice(-4000)).toBe(0);
    expect(build.output).toMatch(/Linking CXX shared module _C/);
    const check = await run("/home/deploy/venv-source/bin/python", [
      "-c",
      "import json, vllm, vllm._C; print(json.dumps([vllm.__version__, vllm._C.cpu_info()]))",
    ]);
    expect(check.exitCode, check.output).toBe(0);
    const [version, info] = JSON.parse(check.lines[0] ?? "null");
    expect(version).toBe(FIXTURE_VLLM_VERSION);
    expect(info.omp_threads).toBeGreaterThan(0);
    expect((await run("/home/deploy/venv-source/bin/vllm", ["--version"])).lines).toEqual([
      FIXTURE_VLLM_VERSION,
    ]);
  });
});
