import { describe, expect, it } from "vitest";
import { formatExtraArgs, parseExtraArgsText } from "@/components/deployments/wizard/extra-args-text";
import {
  deviceOf,
  initialForm,
  type TWizardForm,
  toSpecInput,
  withHost,
} from "@/components/deployments/wizard/form";
import { wizardHostOf } from "@/components/deployments/wizard/hosts";
import {
  fieldKeyOf,
  firstInvalidStep,
  isReachable,
  serverFieldErrors,
  stepOfField,
  validateForm,
} from "@/components/deployments/wizard/validate";
import { checkExtraArgs } from "@/lib/deployments/extra-args";
import { PRESET_DEFAULTS, PRESETS, PUBLIC_PYPI } from "@/lib/deployments/schema";
import type { HostFacts } from "@/lib/hosts/facts/schema";
import type { THostView } from "@/lib/hosts/schema";

const gpuHost = { id: "h1", gpuCount: 1, docker: true };
const cpuHost = { id: "h2", gpuCount: 0, docker: false };
const form = (over: Partial<TWizardForm> = {}): TWizardForm => ({
  ...initialForm(gpuHost),
  repo: "Qwen/Qwen2.5-0.5B-Instruct",
  ...over,
});

describe("wizard: extra arguments text", () => {
  it("reads one flag per line, its value after a space or =, keeping spaces inside the value", () => {
    const text = '--max-num-seqs 64\n\n  --enforce-eager  \n--limit-mm-per-prompt {"image": 2}\n--seed=7\r\n';
    const args = parseExtraArgsText(text);
    expect(args).toEqual([
      "--max-num-seqs",
      "64",
      "--enforce-eager",
      "--limit-mm-per-prompt",
      '{"image": 2}',
      "--seed=7",
    ]);
    expect(checkExtraArgs(args)).toEqual({
      ok: true,
      args: [
        "--max-num-seqs",
        "64",
        "--enforce-eager",
        "--limit-mm-per-prompt",
        '{"image": 2}',
        "--seed",
        "7",
      ],
    });
  });

  it("takes a line without a leading dash whole, so checkExtraArgs can name it", () => {
    expect(parseExtraArgsText("--max-num-seqs\n64")).toEqual(["--max-num-seqs", "64"]);
    expect(parseExtraArgsText("rm -rf /")).toEqual(["rm -rf /"]);
    expect(parseExtraArgsText("")).toEqual([]);
  });

  it("writes every preset's arguments in the form it reads back", () => {
    for (const preset of PRESETS) {
      const args = PRESET_DEFAULTS[preset].extraArgs;
      expect(parseExtraArgsText(formatExtraArgs(args))).toEqual(args);
    }
    expect(formatExtraArgs(["--enable-chunked-prefill", "--max-num-seqs", "16"])).toBe(
      "--enable-chunked-prefill\n--max-num-seqs 16",
    );
  });
});

describe("wizard: form to spec", () => {
  it("turns empty fields into the schema's defaults and passes with only a host and a repo", () => {
    const v = validateForm(form(), 1);
    expect(v.spec).not.toBeNull();
    expect(v.spec?.install).toEqual({
      method: "pip",
      indexUrl: PUBLIC_PYPI,
      variant: "gpu",
      noCacheDir: false,
    });
    expect(v.spec?.serve).toMatchObject({ host: "127.0.0.1", port: 8000, maxModelLen: 8192 });
    expect(v.input.serve.extraArgs).toEqual([]);
  });

  it("sends only the fields the chosen device shows, and no token for a model folder", () => {
    const gpu = toSpecInput(form({ cpuKvCacheSpaceGiB: "8", gpuMemoryUtilization: "0.8" }), 1);
    expect(gpu.serve).toMatchObject({ gpuMemoryUtilization: 0.8, tensorParallelSize: 1 });
    expect(gpu.serve).not.toHaveProperty("cpuKvCacheSpaceGiB");
    const cpu = toSpecInput(
      form({ method: "source", cpuKvCacheSpaceGiB: "8", gpuMemoryUtilization: "0.8" }),
      1,
    );
    expect(cpu.serve).toMatchObject({ cpuKvCacheSpaceGiB: 8 });
    expect(cpu.serve).not.toHaveProperty("gpuMemoryUtilization");
    const path = toSpecInput(form({ modelSource: "path", path: "/srv/m", hfToken: "hf_secret_token" }), 1);
    expect(path.hfToken).toBeUndefined();
    expect(path.model).toEqual({ source: "path", path: "/srv/m" });
  });

  it("says 'Enter a number' for words in number fields", () => {
    const v = validateForm(form({ port: "eighty", maxModelLen: "8k" }), 1);
    expect(v.byStep.serve).toEqual({ "serve.port": "Enter a number", "serve.maxModelLen": "Enter a number" });
  });

  it("puts each issue under its field and step", () => {
    const v = validateForm(form({ hostId: "", repo: "no-slash", indexUrl: "ftp://x", port: "80" }), 1);
    expect(Object.keys(v.byStep.host)).toEqual(["hostId"]);
    expect(v.byStep.model["model.repo"]).toMatch(/organisation\/name/);
    expect(v.byStep.install["install.indexUrl"]).toMatch(/http/);
    expect(v.byStep.serve["serve.port"]).toBe("1024 to 65535");
    expect(v.spec).toBeNull();
    expect(firstInvalidStep(v.byStep, "serve")).toBe("host");
    expect(isReachable(v.byStep, "host")).toBe(true);
    expect(isReachable(v.byStep, "model")).toBe(false);
  });

  it("shows a refused extra argument even while other steps are still invalid", () => {
    const v = validateForm(form({ repo: "", extraArgs: "--port 9000" }), 1);
    expect(v.byStep.model["model.repo"]).toBeDefined();
    expect(v.byStep.serve["serve.extraArgs"]).toMatch(/--port is set by the port field/);
    expect(firstInvalidStep(v.byStep, "host")).toBeNull();
    expect(firstInvalidStep(v.byStep, "install")).toBe("model");
  });

  it("checks the optional parameter count, which is not part of the spec", () => {
    expect(validateForm(form({ paramsBillion: "7" }), 1).byStep.model).toEqual({});
    expect(validateForm(form({ paramsBillion: "-1" }), 1).byStep.model.paramsBillion).toMatch(/billions/);
  });

  it("defaults to CPU wheels on a host without GPUs and leaves the container when Docker is missing", () => {
    expect(initialForm(cpuHost).variant).toBe("cpu");
    expect(initialForm(gpuHost).variant).toBe("gpu");
    const switched = withHost(form({ method: "container" }), cpuHost);
    expect(switched).toMatchObject({ hostId: "h2", method: "pip", variant: "cpu" });
    expect(deviceOf({ method: "container", variant: "gpu" }, 0)).toBe("cpu");
    expect(deviceOf({ method: "source", variant: "gpu" }, 4)).toBe("cpu");
  });
});

describe("wizard: issue paths", () => {
  it("maps dotted paths to their input and step", () => {
    expect(fieldKeyOf("serve.extraArgs.3")).toBe("serve.extraArgs");
    expect(fieldKeyOf("")).toBe("form");
    expect(fieldKeyOf("model")).toBe("model");
    expect(stepOfField("model")).toBe("model");
    expect(stepOfField("install.maxJobs")).toBe("install");
    expect(stepOfField("form")).toBe("review");
    expect(serverFieldErrors({ "serve.port": "Port 8000 is in use", "": "x" })).toEqual({
      "serve.port": "Port 8000 is in use",
      form: "x",
    });
  });
});

const facts: HostFacts = {
  formatVersion: 1,
  os: "Debian GNU/Linux 12 (bookworm)",
  osId: "debian",
  osIdLike: [],
  osVersion: "12",
  distroFamily: "debian",
  packageManager: "apt-get",
  packageManagerPath: "/usr/bin/apt-get",
  kernel: "6.1.0",
  arch: "x86_64",
  hostname: "box",
  user: "deploy",
  groups: ["deploy"],
  cpuModel: "EPYC",
  cpuCount: 16,
  cpuPhysicalCores: 8,
  memoryKiB: 64 * 1024 * 1024,
  memoryAvailableKiB: 60 * 1024 * 1024,
  disk: {
    path: "/home/deploy/webops",
    exists: true,
    checkedPath: "/home/deploy/webops",
    mount: "/",
    totalKiB: 1,
    freeKiB: 1,
  },
  numaNodes: 1,
  python3: "3.11.2",
  systemd: true,
  docker: false,
  dockerVersion: null,
  nvidia: null,
  gpus: [],
  sudo: {
    mode: "install",
    reason: "package-manager",
    detail: null,
    shell: "no",
    update: "yes",
    install: "yes",
    installWithoutArguments: "yes",
  },
};

const view = (over: Partial<THostView>): THostView => ({
  id: "h1",
  name: "box",
  address: "10.0.0.5",
  port: 22,
  username: "deploy",
  labels: [],
  deployPath: "~/webops",
  deployConcurrency: 1,
  disabled: false,
  jumpHost: null,
  authMethod: "key",
  hasPassphrase: false,
  publicKey: null,
  keyGenerated: false,
  hostKey: {
    pinned: "SHA256:x",
    pinnedType: "ssh-ed25519",
    trustedAt: null,
    seen: null,
    seenType: null,
    seenAt: null,
  },
  status: "reachable",
  reachable: true,
  lastCheckedAt: null,
  lastError: null,
  facts: facts as unknown as Record<string, unknown>,
  prerequisites: null,
  activeOperations: 0,
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
  ...over,
});

describe("wizard: hosts", () => {
  it("lets a reachable host with current facts be chosen", () => {
    const host = wizardHostOf(view({}));
    expect(host.blockedReason).toBeNull();
    expect(host.facts?.cpuCount).toBe(16);
    expect(host.target).toBe("deploy@10.0.0.5:22");
  });

  it("shows disabled, unreachable and unchecked hosts with the reason they cannot be chosen", () => {
    expect(wizardHostOf(view({ status: "disabled", disabled: true })).blockedReason).toMatch(/^Disabled/);
    const down = wizardHostOf(
      view({ status: "unreachable", reachable: false, lastError: "Connection refused" }),
    );
    expect(down.blockedReason).toMatch(/^Unreachable.*Connection refused/);
    expect(wizardHostOf(view({ status: "unchecked", facts: null })).blockedReason).toMatch(/Check host/);
    expect(wizardHostOf(view({ facts: { os: "old format" } })).blockedReason).toMatch(/older version/);
  });
});
