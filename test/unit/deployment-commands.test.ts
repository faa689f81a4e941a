import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  containerRunArgs,
  deploymentSteps,
  describeCommands,
  healthUrl,
  maxJobsFor,
  sanityRequestBody,
  stopCommand,
  type TStep,
} from "@/lib/deployments/commands";
import { type TDeploymentSpec, type TDeploymentSpecInput, ZDeploymentSpec } from "@/lib/deployments/schema";
import { serveScript, systemdUnitText } from "@/lib/deployments/service-files";
import { type RemoteCommand, toShell } from "@/lib/ssh/command";

const GiB_KiB = 1024 * 1024;
const gpuFacts = {
  gpus: [{ index: 0, name: "NVIDIA H100", memoryMiB: 81559, busId: null }],
  systemd: true,
  memoryKiB: 64 * GiB_KiB,
  cpuCount: 16,
};
const cpuFacts = { gpus: [], systemd: false, memoryKiB: 16 * GiB_KiB, cpuCount: 8 };
const API_KEY = "sk-webops-SECRET-apikey";
const HF_TOKEN = "hf_SECRETtokenvalue123";

const spec = (over: Partial<TDeploymentSpecInput> = {}): TDeploymentSpec =>
  ZDeploymentSpec.parse({
    hostId: "h1",
    model: { source: "hf", repo: "Qwen/Qwen2.5-0.5B-Instruct" },
    install: { method: "pip", version: "0.8.5" },
    serve: { apiKey: API_KEY },
    hfToken: HF_TOKEN,
    ...over,
  });

/** Hostile text where the schema allows it, and where a caller bypassing the schema might put it. */
const HOSTILE = `$(touch pwned); \`id\` 'q' "d" | & > x \${IFS} *`;

let home = "";
let bin = "";
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "webops-deploy-"));
  bin = join(home, "fake-bin");
  mkdirSync(bin);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** A stand-in program that records the argv it received, NUL-separated. */
function fake(path: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\0' "$@" > "$HOME/argv"\nenv > "$HOME/env"\n`);
  chmodSync(path, 0o755);
}

/** Runs the command as the SSH layer would: its `toShell` line, through a real sh. */
function runRemote(command: RemoteCommand): { argv: string[]; stdout: string } {
  const stdout = execFileSync("sh", ["-c", toShell(command)], {
    encoding: "utf8",
    input: command.stdin ?? "",
    cwd: home,
    env: { NODE_ENV: "test", HOME: home, PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}` },
  });
  let argv: string[] = [];
  try {
    argv = readFileSync(join(home, "argv"), "utf8").split("\0").slice(0, -1);
  } catch {}
  return { argv, stdout };
}

/** Polls instead of sleeping a fixed time, so a slow machine does not fail the test. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const dirOf = (id = "d1") => join(home, "webops", "deployments", id);
const step = (steps: TStep[], title: RegExp): RemoteCommand => {
  const found = steps.find((s) => title.test(s.title));
  if (!found) throw new Error(`no step ${title}`);
  return found.command;
};

describe("deployment commands", () => {
  it("creates the deployment folder under ~/ resolved remotely, and writes service.env 0600 from stdin", () => {
    const steps = deploymentSteps(spec(), "d1", "~/webops", gpuFacts);
    expect(runRemote(step(steps, /Create the deployment folder/)).stdout.trim()).toBe(dirOf());
    runRemote(step(steps, /service\.env/));
    const envFile = join(dirOf(), "service.env");
    expect(readFileSync(envFile, "utf8")).toBe(`VLLM_API_KEY=${API_KEY}\nHF_TOKEN=${HF_TOKEN}\n`);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(statSync(dirOf()).mode & 0o777).toBe(0o700);
  });

  it("treats a hostile absolute deploy path as one folder name", () => {
    const deployPath = join(home, HOSTILE);
    const steps = deploymentSteps(spec(), "d1", deployPath, gpuFacts);
    expect(runRemote(step(steps, /Create the deployment folder/)).stdout.trim()).toBe(
      join(deployPath, "deployments", "d1"),
    );
    expect(() => statSync(join(home, "pwned"))).toThrow();
  });

  it("refuses a deployment id that is not a plain word", () => {
    expect(() => deploymentSteps(spec(), "../x", "~/webops", gpuFacts)).toThrow(/Invalid deployment id/);
  });

  it("pip-installs the pinned version from the index as single arguments", () => {
    const s = spec({
      install: { method: "pip", version: "0.8.5", indexUrl: `https://mirror.example/simple?a=${HOSTILE}` },
    });
    const steps = deploymentSteps(s, "d1", "~/webops", gpuFacts);
    mkdirSync(join(dirOf(), "venv", "bin"), { recursive: true });
    fake(join(dirOf(), "venv", "bin", "pip"));
    const { argv } = runRemote(step(steps, /Install vLLM/));
    expect(argv).toEqual([
      "install",
      "--index-url",
      `https://mirror.example/simple?a=${HOSTILE}`,
      "vllm==0.8.5",
    ]);
    expect(() => statSync(join(home, "pwned"))).toThrow();
  });

  it("adds the CPU torch index only next to the public index", () => {
    const pub = deploymentSteps(
      spec({ install: { method: "pip", variant: "cpu", noCacheDir: true } }),
      "d1",
      "~/w",
      cpuFacts,
    );
    expect(step(pub, /Install vLLM/).args.slice(-6)).toEqual([
      "--index-url",
      "https://pypi.org/simple",
      "--extra-index-url",
      "https://download.pytorch.org/whl/cpu",
      "--no-cache-dir",
      "vllm",
    ]);
    const mirror = spec({
      install: { method: "pip", variant: "cpu", indexUrl: "http://127.0.0.1:9/simple" },
    });
    expect(step(deploymentSteps(mirror, "d1", "~/w", cpuFacts), /Install vLLM/).args).not.toContain(
      "--extra-index-url",
    );
  });

  it("clones the source with --branch, hostile git URLs arriving as one argument after --", () => {
    const s = spec({ install: { method: "source", gitUrl: `/srv/${HOSTILE}`, ref: "v0.8.5" } });
    fake(join(bin, "git"));
    const { argv } = runRemote(step(deploymentSteps(s, "d1", "~/webops", cpuFacts), /Fetch vLLM's source/));
    expect(argv).toEqual([
      "clone",
      "--depth",
      "1",
      "--branch",
      "v0.8.5",
      "--",
      `/srv/${HOSTILE}`,
      join(dirOf(), "src"),
    ]);
  });

  it("builds from source for CPU with MAX_JOBS bounded by memory", () => {
    const s = spec({ install: { method: "source", gitUrl: "/srv/vllm", maxJobs: 64 } });
    const build = step(deploymentSteps(s, "d1", "~/webops", cpuFacts), /Build and install/);
    expect(build.env).toEqual({ VLLM_TARGET_DEVICE: "cpu", MAX_JOBS: "4" });
    mkdirSync(join(dirOf(), "src"), { recursive: true });
    mkdirSync(join(dirOf(), "venv", "bin"), { recursive: true });
    fake(join(dirOf(), "venv", "bin", "pip"));
    const { argv } = runRemote(build);
    expect(argv).toEqual([
      "install",
      "--index-url",
      "https://pypi.org/simple",
      "--extra-index-url",
      "https://download.pytorch.org/whl/cpu",
      ".",
    ]);
    const env = readFileSync(join(home, "env"), "utf8");
    expect(env).toMatch(/^VLLM_TARGET_DEVICE=cpu$/m);
    expect(env).toMatch(/^MAX_JOBS=4$/m);
  });

  it.each([
    [{ memoryKiB: 64 * GiB_KiB, cpuCount: 32 }, undefined, 16],
    [{ memoryKiB: 64 * GiB_KiB, cpuCount: 8 }, undefined, 8],
    [{ memoryKiB: 64 * GiB_KiB, cpuCount: 32 }, 2, 2],
    [{ memoryKiB: 3 * GiB_KiB, cpuCount: 4 }, undefined, 1],
    [{ memoryKiB: null, cpuCount: 16 }, undefined, 1],
    [{ memoryKiB: 16 * GiB_KiB, cpuCount: null }, 8, 1],
  ])("MAX_JOBS for %j, asked %s, is %i", (facts, asked, jobs) => {
    expect(maxJobsFor(facts, asked)).toBe(jobs);
  });

  it("downloads a Hugging Face model with the token from service.env, never argv", () => {
    const s = spec({ model: { source: "hf", repo: "Org/Model-7B", revision: "refs/pr/1" } });
    const steps = deploymentSteps(s, "d1", "~/webops", gpuFacts);
    runRemote(step(steps, /Create the deployment folder/));
    runRemote(step(steps, /service\.env/));
    fake(join(dirOf(), "venv", "bin", "hf"));
    const { argv } = runRemote(step(steps, /Download/));
    expect(argv).toEqual(["download", "Org/Model-7B", "--revision", "refs/pr/1"]);
    const env = readFileSync(join(home, "env"), "utf8");
    expect(env).toContain(`HF_TOKEN=${HF_TOKEN}`);
    expect(env).toContain(`HF_HOME=${join(dirOf(), "hf-cache")}`);
  });

  it("checks a hostile model folder path as one argument", () => {
    const path = join(home, HOSTILE);
    mkdirSync(path);
    writeFileSync(join(path, "config.json"), "{}");
    const s = spec({ model: { source: "path", path } });
    const check = step(deploymentSteps(s, "d1", "~/webops", gpuFacts), /config\.json/);
    runRemote(check);
    rmSync(join(path, "config.json"));
    expect(() => runRemote(check)).toThrow(/No config.json/);
  });

  it("keeps secrets out of every argv, env prefix and description", () => {
    for (const install of [
      { method: "pip" as const },
      { method: "source" as const, gitUrl: "/srv/vllm" },
      { method: "container" as const },
    ]) {
      for (const facts of [gpuFacts, cpuFacts]) {
        const s = spec({ install });
        for (const { command } of deploymentSteps(s, "d1", "~/webops", facts)) {
          const line = toShell({ ...command, stdin: undefined });
          expect(line).not.toContain(API_KEY);
          expect(line).not.toContain(HF_TOKEN);
        }
        const described = describeCommands(s, facts).join("\n");
        expect(described).not.toContain(API_KEY);
        expect(described).not.toContain(HF_TOKEN);
        expect(described).toContain("VLLM_API_KEY=********");
      }
    }
  });

  it("builds the container argv: GPUs, ipc, published port, model mount, image and serve flags", () => {
    const s = spec({
      model: { source: "path", path: "/srv/models/tiny" },
      install: { method: "container", tag: "v0.8.5" },
      serve: { apiKey: API_KEY, host: "::1", port: 8001, quantization: "awq" },
    });
    const args = containerRunArgs(s, "gpu");
    expect(args).toEqual([
      "--gpus",
      "all",
      "--ipc=host",
      "-p",
      "[::1]:8001:8001",
      "-v",
      "/srv/models/tiny:/model:ro",
      "vllm/vllm-openai:v0.8.5",
      "/model",
      "--served-model-name",
      "tiny",
      "--host",
      "0.0.0.0",
      "--port",
      "8001",
      "--dtype",
      "auto",
      "--tensor-parallel-size",
      "1",
      "--gpu-memory-utilization",
      "0.9",
      "--max-model-len",
      "8192",
      "--quantization",
      "awq",
      "--enable-prefix-caching",
    ]);
    expect(containerRunArgs(s, "cpu")).not.toContain("--gpus");
  });

  it("runs docker with the env file and the container args as single arguments", () => {
    const s = spec({ install: { method: "container" }, servedModelName: HOSTILE });
    fake(join(bin, "docker"));
    const steps = deploymentSteps(s, "d1", "~/webops", gpuFacts);
    const { argv } = runRemote(step(steps, /Start the container/));
    expect(argv.slice(0, 12)).toEqual([
      "run",
      "-d",
      "--name",
      "webops-vllm-d1",
      "--restart",
      "unless-stopped",
      "--env-file",
      join(dirOf(), "service.env"),
      "-v",
      `${join(dirOf(), "hf-cache")}:/root/.cache/huggingface`,
      "--gpus",
      "all",
    ]);
    expect(argv).toContain(HOSTILE);
    expect(argv).not.toContain("--api-key");
  });

  it("writes serve.sh whose vllm argv keeps hostile names and extra args whole", () => {
    const s = spec({
      servedModelName: HOSTILE,
      serve: {
        apiKey: API_KEY,
        extraArgs: ["--chat-template", `/srv/${HOSTILE}.jinja`],
        cpuKvCacheSpaceGiB: 8,
      },
      install: { method: "pip", variant: "cpu" },
    });
    const steps = deploymentSteps(s, "d1", "~/webops", cpuFacts);
    runRemote(step(steps, /Create the deployment folder/));
    runRemote(step(steps, /service\.env/));
    runRemote(step(steps, /Write serve\.sh/));
    expect(readFileSync(join(dirOf(), "service.env"), "utf8")).toContain("VLLM_CPU_KVCACHE_SPACE=8\n");
    fake(join(dirOf(), "venv", "bin", "vllm"));
    execFileSync("sh", [join(dirOf(), "serve.sh")], {
      env: { NODE_ENV: "test", HOME: home, PATH: process.env.PATH },
    });
    const argv = readFileSync(join(home, "argv"), "utf8").split("\0").slice(0, -1);
    expect(argv).toContain(HOSTILE);
    expect(argv).toContain(`/srv/${HOSTILE}.jinja`);
    expect(argv).not.toContain("--gpu-memory-utilization");
    expect(readFileSync(join(home, "env"), "utf8")).toContain(`VLLM_API_KEY=${API_KEY}`);
    expect(serveScript(s, "cpu")).not.toContain(API_KEY);
  });

  it("maps every serve option to its vllm flag", () => {
    const s = spec({
      serve: {
        tensorParallelSize: 2,
        dtype: "bfloat16",
        quantization: "fp8",
        gpuMemoryUtilization: 0.8,
        maxModelLen: 4096,
      },
    });
    const script = serveScript(s, "gpu");
    for (const part of [
      "--tensor-parallel-size 2",
      "--dtype bfloat16",
      "--quantization fp8",
      "--gpu-memory-utilization 0.8",
      "--max-model-len 4096",
      "--revision main",
      "--host 127.0.0.1 --port 8000",
    ]) {
      expect(script).toContain(part);
    }
  });

  it("uses a systemd unit where the host runs systemd, a supervised process otherwise", () => {
    const withSystemd = deploymentSteps(spec(), "d1", "~/webops", gpuFacts).map((s) => s.title);
    expect(withSystemd.some((t) => /systemd unit webops-vllm-d1\.service/.test(t))).toBe(true);
    const unit = systemdUnitText("d1", "/home/u/webops/deployments/d1");
    expect(unit).toContain("ExecStart=/bin/sh /home/u/webops/deployments/d1/serve.sh");
    expect(unit).toContain("Restart=on-failure");
    const without = deploymentSteps(spec(), "d1", "~/webops", cpuFacts);
    const start = step(without, /supervise\.sh in its own session/);
    expect(start.args[1]).toContain("setsid nohup");
    expect(toShell(stopCommand(spec(), "d1", "~/webops", cpuFacts))).toContain("kill -TERM");
  });

  it("supervises: restarts vLLM after it exits and stops on request", async () => {
    const steps = deploymentSteps(spec({ install: { method: "pip" } }), "d1", "~/webops", cpuFacts);
    for (const s of steps.filter((x) => /folder|service\.env|serve\.sh|supervise\.sh/.test(x.title)))
      runRemote(s.command);
    // a vllm that exits at once, so the supervisor must restart it
    mkdirSync(join(dirOf(), "venv", "bin"), { recursive: true });
    writeFileSync(
      join(dirOf(), "venv", "bin", "vllm"),
      '#!/bin/sh\necho started >> "$HOME/starts"\nexit 1\n',
    );
    chmodSync(join(dirOf(), "venv", "bin", "vllm"), 0o755);
    const superviseFile = join(dirOf(), "supervise.sh");
    writeFileSync(superviseFile, readFileSync(superviseFile, "utf8").replace("sleep 10", "sleep 0.2"));
    runRemote(step(steps, /supervise\.sh in its own session/));
    const starts = () => {
      try {
        return readFileSync(join(home, "starts"), "utf8").split("\n").filter(Boolean).length;
      } catch {
        return 0;
      }
    };
    await until(() => starts() >= 2);
    expect(readFileSync(join(dirOf(), "logs", "vllm.log"), "utf8")).toMatch(/restarting in 10 s/);
    runRemote(stopCommand(spec(), "d1", "~/webops", cpuFacts));
    const gone = () => {
      try {
        statSync(join(dirOf(), "supervisor.pid"));
        return false;
      } catch {
        return true;
      }
    };
    await until(gone);
    // Its own waits allow 10 s each (a busy machine); vitest's 5 s default would cut them short.
  }, 30_000);

  it("refuses to write a systemd unit for a folder whose path systemd would misread", () => {
    const steps = deploymentSteps(spec(), "d1", join(home, "with space"), gpuFacts);
    runRemote(step(steps, /Create the deployment folder/));
    expect(() => runRemote(step(steps, /Install the systemd unit/))).toThrow(
      /characters a systemd unit cannot hold/,
    );
  });

  it("describes every step for the Review page: titles, shell lines and file contents", () => {
    const lines = describeCommands(spec(), gpuFacts, { deploymentId: "d9", deployPath: "/srv/webops" });
    expect(lines[0]).toMatch(/^\[preflight\] Create the deployment folder/);
    expect(lines.join("\n")).toMatch(
      /exec "\$dir\/venv\/bin\/vllm" serve Qwen\/Qwen2.5-0.5B-Instruct --served-model-name/,
    );
    expect(lines.join("\n")).toContain("webops-vllm-d9.service");
    const container = describeCommands(spec({ install: { method: "container" } }), gpuFacts).join("\n");
    expect(container).toContain("docker pull vllm/vllm-openai:latest");
    expect(container).toMatch(/docker run -d --name/);
  });

  it("probes /health on loopback for wildcard binds and builds the sanity request", () => {
    expect(healthUrl(spec({ serve: { host: "0.0.0.0", port: 9000 } }))).toBe("http://127.0.0.1:9000/health");
    expect(healthUrl(spec({ serve: { host: "::" } }))).toBe("http://[::1]:8000/health");
    expect(healthUrl(spec({ serve: { host: "10.0.0.5" } }))).toBe("http://10.0.0.5:8000/health");
    expect(JSON.parse(sanityRequestBody(spec()))).toMatchObject({
      model: "Qwen/Qwen2.5-0.5B-Instruct",
      messages: [{ role: "user" }],
      max_tokens: 16,
    });
  });
});
