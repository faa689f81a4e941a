import { describe, expect, it } from "vitest";
import { fitCheck, paramsFromName, type TFitResult } from "@/lib/deployments/fit";
import { type TDeploymentSpecInput, ZDeploymentSpec } from "@/lib/deployments/schema";

const KiB_PER_GiB = 1024 * 1024;
const facts = (over: Partial<Parameters<typeof fitCheck>[1]> = {}): Parameters<typeof fitCheck>[1] => ({
  gpus: [{ index: 0, name: "NVIDIA L4", memoryMiB: 24 * 1024, busId: null }],
  memoryKiB: 64 * KiB_PER_GiB,
  memoryAvailableKiB: 60 * KiB_PER_GiB,
  disk: {
    path: "/home/u/webops",
    exists: true,
    checkedPath: "/home/u/webops",
    mount: "/",
    totalKiB: null,
    freeKiB: 200 * KiB_PER_GiB,
  },
  ...over,
});
const spec = (over: Partial<TDeploymentSpecInput> = {}) =>
  ZDeploymentSpec.parse({
    hostId: "h1",
    model: { source: "hf", repo: "meta-llama/Llama-3.1-8B-Instruct" },
    install: { method: "pip" },
    serve: {},
    ...over,
  });
const byCheck = (results: TFitResult[], check: TFitResult["check"]) => results.find((r) => r.check === check);

describe("fit check", () => {
  it("reads the parameter count from model names", () => {
    expect(paramsFromName("Llama-3.1-8B-Instruct")).toBe(8);
    expect(paramsFromName("Qwen2.5-0.5B-Instruct")).toBe(0.5);
    expect(paramsFromName("Mixtral-8x7B-v0.1")).toBe(56);
    expect(paramsFromName("SmolLM-135M")).toBeCloseTo(0.135);
    expect(paramsFromName("tiny-model")).toBeNull();
  });

  it("fits an 8B bf16 model with 8k context on a 24 GiB GPU", () => {
    const results = fitCheck(spec(), facts());
    expect(byCheck(results, "model-size")?.message).toMatch(/Weights about 14\.9 GiB/);
    expect(byCheck(results, "memory")?.status).toBe("ok");
    expect(byCheck(results, "disk")?.status).toBe("ok");
    expect(byCheck(results, "exposure")).toBeUndefined();
  });

  it("fails a 70B model on one 24 GiB GPU, and passes it quantized over 4 x 80 GiB", () => {
    const big = spec({ model: { source: "hf", repo: "meta-llama/Llama-3.1-70B-Instruct" } });
    const fail = byCheck(fitCheck(big, facts()), "memory");
    expect(fail?.status).toBe("fail");
    expect(fail?.message).toMatch(/Lower max-model-len/);
    const gpus = [0, 1, 2, 3].map((index) => ({ index, name: "H100", memoryMiB: 80 * 1024, busId: null }));
    const q = spec({
      model: { source: "hf", repo: "meta-llama/Llama-3.1-70B-Instruct" },
      serve: { quantization: "awq", tensorParallelSize: 4 },
    });
    expect(byCheck(fitCheck(q, facts({ gpus })), "memory")?.status).toBe("ok");
  });

  it("fails when tensor parallel size exceeds the GPUs", () => {
    const result = byCheck(fitCheck(spec({ serve: { tensorParallelSize: 2 } }), facts()), "memory");
    expect(result).toMatchObject({ status: "fail" });
    expect(result?.message).toMatch(/needs 2 GPUs; the host has 1/);
  });

  it("checks RAM for CPU installs, with the KV cache space", () => {
    const cpu = spec({ install: { method: "pip", variant: "cpu" }, serve: { cpuKvCacheSpaceGiB: 40 } });
    expect(byCheck(fitCheck(cpu, facts({ gpus: [] })), "memory")?.status).toBe("ok");
    expect(
      byCheck(fitCheck(cpu, facts({ gpus: [], memoryAvailableKiB: 20 * KiB_PER_GiB })), "memory")?.status,
    ).toBe("warn");
    expect(byCheck(fitCheck(cpu, facts({ gpus: [], memoryKiB: 32 * KiB_PER_GiB })), "memory")?.status).toBe(
      "fail",
    );
  });

  it("prefers the model folder's size, and warns when the size is unknown", () => {
    const local = spec({ model: { source: "path", path: "/srv/models/tiny" } });
    const unknown = fitCheck(local, facts());
    expect(byCheck(unknown, "model-size")?.status).toBe("warn");
    expect(byCheck(unknown, "memory")).toBeUndefined();
    const known = fitCheck(local, facts(), { modelBytes: 2 * 1024 ** 3 });
    expect(byCheck(known, "model-size")?.message).toMatch(/2\.0 GiB \(the model folder's size\)/);
    expect(byCheck(known, "memory")?.status).toBe("ok");
  });

  it("fails when the disk cannot hold the download and the virtual environment", () => {
    const result = byCheck(
      fitCheck(
        spec(),
        facts({
          disk: {
            path: "/",
            exists: true,
            checkedPath: "/",
            mount: "/",
            totalKiB: null,
            freeKiB: 20 * KiB_PER_GiB,
          },
        }),
      ),
      "disk",
    );
    expect(result?.status).toBe("fail");
    expect(result?.message).toMatch(/Needs about 24\.9 GiB/);
    expect(byCheck(fitCheck(spec(), facts({ disk: null })), "disk")?.status).toBe("warn");
  });

  it("fails a port already listening, passes a free one, skips it when unknown", () => {
    expect(byCheck(fitCheck(spec(), facts(), { listeningPorts: [22, 8000] }), "port")?.status).toBe("fail");
    expect(byCheck(fitCheck(spec(), facts(), { listeningPorts: [22] }), "port")?.status).toBe("ok");
    expect(byCheck(fitCheck(spec(), facts()), "port")).toBeUndefined();
  });

  it("warns that the API key does not guard /health or /metrics off loopback", () => {
    const open = byCheck(
      fitCheck(spec({ serve: { host: "0.0.0.0", apiKey: "sk-12345678" } }), facts()),
      "exposure",
    );
    expect(open?.status).toBe("warn");
    expect(open?.message).toMatch(/\/health and \/metrics answer anyone/);
    expect(open?.message).not.toMatch(/No API key/);
    expect(byCheck(fitCheck(spec({ serve: { host: "::" } }), facts()), "exposure")?.message).toMatch(
      /No API key is set/,
    );
    expect(byCheck(fitCheck(spec({ serve: { host: "::1" } }), facts()), "exposure")).toBeUndefined();
  });
});
