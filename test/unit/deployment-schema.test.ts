import { describe, expect, it } from "vitest";
import { checkExtraArgs } from "@/lib/deployments/extra-args";
import { PUBLIC_PYPI, type TDeploymentSpecInput, ZDeploymentSpec } from "@/lib/deployments/schema";

const base = (over: Partial<TDeploymentSpecInput> = {}): TDeploymentSpecInput => ({
  hostId: "h1",
  model: { source: "hf", repo: "Qwen/Qwen2.5-0.5B-Instruct" },
  install: { method: "pip" },
  serve: {},
  ...over,
});

const messages = (input: unknown) => {
  const r = ZDeploymentSpec.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("deployment spec schema", () => {
  it("fills defaults for a pip install of a Hugging Face model with the chat preset", () => {
    const spec = ZDeploymentSpec.parse(base());
    expect(spec.model).toEqual({ source: "hf", repo: "Qwen/Qwen2.5-0.5B-Instruct", revision: "main" });
    expect(spec.servedModelName).toBe("Qwen/Qwen2.5-0.5B-Instruct");
    expect(spec.install).toEqual({ method: "pip", indexUrl: PUBLIC_PYPI, variant: "gpu", noCacheDir: false });
    expect(spec.serve).toMatchObject({
      host: "127.0.0.1",
      port: 8000,
      dtype: "auto",
      quantization: "none",
      tensorParallelSize: 1,
      healthTimeoutS: 900,
      gpuMemoryUtilization: 0.9,
      maxModelLen: 8192,
      extraArgs: ["--enable-prefix-caching"],
    });
  });

  it("accepts a source build and a container install", () => {
    const source = ZDeploymentSpec.parse(
      base({
        install: { method: "source", gitUrl: "https://github.com/vllm-project/vllm.git", ref: "v0.8.5" },
      }),
    );
    expect(source.install).toMatchObject({ method: "source", ref: "v0.8.5", indexUrl: PUBLIC_PYPI });
    for (const gitUrl of [
      "ssh://git@example.com/vllm.git",
      "git@github.com:vllm-project/vllm.git",
      "file:///srv/vllm",
      "/srv/vllm",
    ]) {
      expect(messages(base({ install: { method: "source", gitUrl } }))).toEqual([]);
    }
    const container = ZDeploymentSpec.parse(base({ install: { method: "container", tag: "v0.8.5" } }));
    expect(container.install).toEqual({ method: "container", image: "vllm/vllm-openai", tag: "v0.8.5" });
  });

  it("derives the served name from a model folder and keeps a custom preset bare", () => {
    const spec = ZDeploymentSpec.parse(
      base({ model: { source: "path", path: "/srv/models/tiny-llama/" }, preset: "custom" }),
    );
    expect(spec.servedModelName).toBe("tiny-llama");
    expect(spec.serve.gpuMemoryUtilization).toBeUndefined();
    expect(spec.serve.maxModelLen).toBeUndefined();
    expect(spec.serve.extraArgs).toEqual([]);
  });

  it("fills long-context and multimodal presets without overriding the operator", () => {
    const long = ZDeploymentSpec.parse(
      base({ preset: "long-context", serve: { maxModelLen: 65536, extraArgs: ["--max-num-seqs=4"] } }),
    );
    expect(long.serve.maxModelLen).toBe(65536);
    expect(long.serve.extraArgs).toEqual(["--enable-chunked-prefill", "--max-num-seqs", "4"]);
    const mm = ZDeploymentSpec.parse(base({ preset: "multimodal" }));
    expect(mm.serve.extraArgs).toEqual(["--limit-mm-per-prompt", '{"image":2}', "--max-num-seqs", "8"]);
    const negated = ZDeploymentSpec.parse(base({ serve: { extraArgs: ["--no-enable-prefix-caching"] } }));
    expect(negated.serve.extraArgs).toEqual(["--no-enable-prefix-caching"]);
  });

  it("parses its own output to the same value (stored snapshots and job payloads re-validate)", () => {
    const once = ZDeploymentSpec.parse(base({ preset: "multimodal", serve: { apiKey: "sk-abcdefgh12" } }));
    expect(ZDeploymentSpec.parse(once)).toEqual(once);
  });

  it("refuses malformed fields with messages that say what to enter", () => {
    expect(messages(base({ model: { source: "hf", repo: "no-slash" } }))[0]).toMatch(
      /^model.repo: A Hugging Face repo id/,
    );
    expect(messages(base({ model: { source: "hf", repo: "a/b; rm -rf /" } }))).toHaveLength(1);
    expect(messages(base({ model: { source: "hf", repo: "Qwen/x", revision: "../x" } }))).not.toEqual([]);
    expect(messages(base({ model: { source: "path", path: "models/x" } }))[0]).toMatch(/absolute path/);
    expect(messages(base({ model: { source: "path", path: "/srv/../etc" } }))[0]).toMatch(/No \.\./);
    expect(messages(base({ model: { source: "path", path: "/srv/a\nb" } }))).toHaveLength(1);
    expect(messages(base({ install: { method: "pip", indexUrl: "ftp://mirror/simple" } }))[0]).toMatch(
      /http/,
    );
    expect(messages(base({ install: { method: "pip", version: "latest" } }))[0]).toMatch(/0\.8\.5/);
    expect(messages(base({ install: { method: "pip", version: "0.6.3+cpu" } }))).toEqual([]);
    expect(
      messages(base({ install: { method: "source", gitUrl: "--upload-pack=touch /tmp/x" } })),
    ).toHaveLength(1);
    expect(messages(base({ install: { method: "source", gitUrl: "/srv/vllm", ref: "-x" } }))).toHaveLength(1);
    expect(messages(base({ install: { method: "container", image: "Bad Image" } }))).toHaveLength(1);
    expect(messages(base({ serve: { host: "localhost" } }))[0]).toMatch(/IPv4 or IPv6/);
    expect(messages(base({ serve: { host: "::" } }))).toEqual([]);
    expect(messages(base({ serve: { port: 80 } }))[0]).toMatch(/1024 to 65535/);
    expect(messages(base({ serve: { gpuMemoryUtilization: 1 } }))[0]).toMatch(/0\.05 to 0\.99/);
    expect(messages(base({ serve: { dtype: "int4" as never } }))).toHaveLength(1);
    expect(messages(base({ serve: { quantization: "awq" } }))).toEqual([]);
    expect(messages(base({ serve: { cpuThreadsBind: "0-31|32-63" } }))).toEqual([]);
    expect(messages(base({ serve: { cpuThreadsBind: "$(id)" } }))).toHaveLength(1);
  });

  it("never echoes a secret in its error messages", () => {
    const token = "hf_bad token with spaces";
    const key = "short";
    const all = messages(base({ hfToken: token, serve: { apiKey: key } })).join("\n");
    expect(all).toMatch(/Hugging Face token/);
    expect(all).toMatch(/API key/);
    expect(all).not.toContain(token);
    expect(all).not.toContain(`"${key}"`);
  });

  it("refuses a container bind mount path with : or ,", () => {
    expect(
      messages(base({ model: { source: "path", path: "/srv/a:b" }, install: { method: "container" } }))[0],
    ).toMatch(/cannot contain : or ,/);
  });
});

describe("extra arguments allow-list", () => {
  it("accepts real vllm serve flags and normalises --flag=value", () => {
    expect(
      checkExtraArgs([
        "--enforce-eager",
        "--max-num-seqs",
        "64",
        "--swap-space=4",
        "--trust-remote-code",
        "--chat-template",
        "/srv/templates/chat $(id).jinja",
        "--limit-mm-per-prompt",
        '{"image":1}',
      ]),
    ).toEqual({
      ok: true,
      args: [
        "--enforce-eager",
        "--max-num-seqs",
        "64",
        "--swap-space",
        "4",
        "--trust-remote-code",
        "--chat-template",
        "/srv/templates/chat $(id).jinja",
        "--limit-mm-per-prompt",
        '{"image":1}',
      ],
    });
  });

  it.each([
    [["--evil-flag"], /--evil-flag is not an allowed vllm serve flag/],
    [["--api-key", "x"], /--api-key is set by the API key field/],
    [["--host=0.0.0.0"], /--host is set by the bind address field/],
    [["--max-num-seqs"], /--max-num-seqs needs a value/],
    [["--max-num-seqs", "--enforce-eager"], /looks like another flag/],
    [["--max-num-seqs", "6; rm -rf /"], /--max-num-seqs needs a whole number/],
    [["--chat-template", "a\nb"], /NUL byte or a line break/],
    [["--enforce-eager=1"], /takes no value/],
    [["; rm -rf /"], /is not a flag/],
    [["--kv-cache-dtype", "$(id)"], /needs a word/],
  ])("refuses %j", (tokens, message) => {
    const r = checkExtraArgs(tokens);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it("reports the refused flag through the schema at serve.extraArgs", () => {
    expect(messages(base({ serve: { extraArgs: ["--worker-cls", "x"] } }))[0]).toMatch(
      /^serve.extraArgs: --worker-cls is not an allowed/,
    );
  });
});
