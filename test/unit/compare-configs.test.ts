import { describe, expect, it } from "vitest";
import { configFields, diffConfigs } from "@/lib/deployments/config-fields";
import { type TDeploymentSpecInput, ZDeploymentSpec } from "@/lib/deployments/schema";
import { withoutSecrets } from "@/lib/deployments/secrets";

const spec = (over: Partial<TDeploymentSpecInput> = {}, serve: TDeploymentSpecInput["serve"] = {}) =>
  withoutSecrets(
    ZDeploymentSpec.parse({
      hostId: "h1",
      model: { source: "hf", repo: "Qwen/Qwen2.5-0.5B-Instruct" },
      install: { method: "pip", version: "0.8.5" },
      serve: { apiKey: "secret-api-key-123", ...serve },
      hfToken: "hf_secret_token_456",
      ...over,
    }),
  );

const NONE = { apiKey: false, hfToken: false };

describe("configuration snapshot fields", () => {
  it("labels fields in the wizard's order and shows secrets only as set or not set", () => {
    const fields = configFields(spec(), { apiKey: true, hfToken: false });
    const byPath = Object.fromEntries(fields.map((f) => [f.path, f]));
    expect(byPath["model.repo"]).toMatchObject({
      label: "Hugging Face repo",
      value: "Qwen/Qwen2.5-0.5B-Instruct",
    });
    expect(byPath["serve.port"]).toMatchObject({ label: "Port", group: "Serve", value: "8000" });
    expect(byPath["serve.extraArgs"]?.value).toBe("--enable-prefix-caching");
    expect(byPath["install.noCacheDir"]?.value).toBe("no");
    expect(byPath["serve.apiKey"]).toMatchObject({ group: "Secrets", value: "set" });
    expect(byPath.hfToken).toMatchObject({ group: "Secrets", value: "not set" });
    expect(byPath.hostId).toBeUndefined();
    expect(fields.map((f) => f.path).indexOf("model.source")).toBeLessThan(
      fields.map((f) => f.path).indexOf("serve.port"),
    );
  });

  it("never shows a secret's value even when a stored spec still carries one", () => {
    const leaky = {
      ...spec(),
      hfToken: "hf_secret_token_456",
      serve: { ...spec().serve, apiKey: "secret-api-key-123" },
    };
    const text = JSON.stringify(configFields(leaky, { apiKey: true, hfToken: true }));
    expect(text).not.toContain("secret-api-key-123");
    expect(text).not.toContain("hf_secret_token_456");
  });
});

describe("comparing two configurations", () => {
  it("marks exactly the fields that differ", () => {
    const a = configFields(spec({}, { port: 8000, maxModelLen: 1024 }), NONE);
    const b = configFields(spec({}, { port: 8001, maxModelLen: 2048 }), NONE);
    const diff = diffConfigs(a, b);
    expect(diff.filter((f) => f.changed).map((f) => [f.path, f.a, f.b])).toEqual([
      ["serve.port", "8000", "8001"],
      ["serve.maxModelLen", "1024", "2048"],
    ]);
    expect(diff.length).toBe(a.length);
  });

  it("shows a field only one side has against a dash, e.g. a different install method", () => {
    const a = configFields(spec(), NONE);
    const b = configFields(
      spec({ install: { method: "container", image: "vllm/vllm-openai", tag: "v0.8.5" } }),
      NONE,
    );
    const diff = diffConfigs(a, b);
    const rows = Object.fromEntries(diff.map((f) => [f.path, f]));
    expect(rows["install.method"]).toMatchObject({ a: "pip", b: "container", changed: true });
    expect(rows["install.version"]).toMatchObject({ a: "0.8.5", b: "—", changed: true });
    expect(rows["install.tag"]).toMatchObject({ a: "—", b: "v0.8.5", changed: true });
    expect(rows["serve.port"]?.changed).toBe(false);
  });

  it("a secret set on one side only, or set on both with different values, is changed without its value", () => {
    const a = configFields(spec(), { apiKey: true, hfToken: true });
    const b = configFields(spec(), { apiKey: false, hfToken: true });
    const diff = diffConfigs(a, b, new Set(["hfToken"]));
    const rows = Object.fromEntries(diff.map((f) => [f.path, f]));
    expect(rows["serve.apiKey"]).toMatchObject({ a: "set", b: "not set", changed: true });
    expect(rows.hfToken).toMatchObject({ a: "set", b: "set", changed: true });
    expect(diffConfigs(a, a).some((f) => f.changed)).toBe(false);
  });
});
