import { describe, expect, it } from "vitest";
import { deploymentSteps } from "@/lib/deployments/commands";
import { PIPELINE, stageFingerprints } from "@/lib/deployments/pipeline";
import { ZDeploymentSpec } from "@/lib/deployments/schema";
import { validationError } from "@/lib/errors";

const facts = { gpus: [], systemd: false, memoryKiB: 16 * 1024 * 1024, cpuCount: 8 };
const spec = (serve: Record<string, unknown> = {}, install: Record<string, unknown> = {}) =>
  ZDeploymentSpec.parse({
    hostId: "h1",
    model: { source: "path", path: "/models/tiny" },
    install: { method: "pip", indexUrl: "http://127.0.0.1:9/simple", variant: "cpu", ...install },
    serve: { port: 8000, ...serve },
  });
const prints = (s: ReturnType<typeof spec>) => stageFingerprints(deploymentSteps(s, "d1", "~/webops", facts));

describe("pipeline stages", () => {
  it("lists the issue's stages in order, ending with running", () => {
    expect(PIPELINE.map((s) => s.name)).toEqual([
      "connect",
      "preflight",
      "prerequisites",
      "install-runtime",
      "fetch-model",
      "configure-service",
      "start",
      "wait-health",
      "sanity",
      "running",
    ]);
  });

  it("the same settings give the same fingerprints: a redeploy may skip", () => {
    expect(prints(spec())).toEqual(prints(spec()));
  });

  it("a new serve option changes configure-service and start, not install or fetch", () => {
    const a = prints(spec());
    const b = prints(spec({ maxModelLen: 2048 }));
    expect(b["install-runtime"]).toBe(a["install-runtime"]);
    expect(b["fetch-model"]).toBe(a["fetch-model"]);
    expect(b["configure-service"]).not.toBe(a["configure-service"]);
    expect(b.start).not.toBe(a.start);
  });

  it("a new API key (in service.env, never argv) still means configure and restart", () => {
    const a = prints(spec({ apiKey: "key-aaaaaaaa" }));
    const b = prints(spec({ apiKey: "key-bbbbbbbb" }));
    expect(b["install-runtime"]).toBe(a["install-runtime"]);
    expect(b["configure-service"]).not.toBe(a["configure-service"]);
    expect(b.start).not.toBe(a.start);
  });

  it("a new vLLM version changes install and, through it, start", () => {
    const a = prints(spec());
    const b = prints(spec({}, { version: "0.9.1" }));
    expect(b["install-runtime"]).not.toBe(a["install-runtime"]);
    expect(b["configure-service"]).toBe(a["configure-service"]);
    expect(b.start).not.toBe(a.start);
  });
});

describe("validationError", () => {
  it("keys the first message of each field by its dotted path", () => {
    const err = validationError(
      [
        { path: ["serve", "port"], message: "1024 to 65535" },
        { path: ["serve", "port"], message: "second" },
        { path: [], message: "whole form" },
      ],
      "Settings need attention",
    );
    expect(err.code).toBe("validation");
    expect(err.fields).toEqual({ "serve.port": "1024 to 65535", form: "whole form" });
    expect(err.message).toBe("Settings need attention: serve.port: 1024 to 65535");
  });
});
