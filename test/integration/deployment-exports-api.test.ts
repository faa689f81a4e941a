import { beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { db } from "@/lib/db";
import { type TDeploymentSpecInput, ZDeploymentSpec } from "@/lib/deployments/schema";
import { withoutSecrets } from "@/lib/deployments/secrets";
import type { Prisma } from "@/lib/generated/prisma/client";
import { testUrl } from "../setup/system-config";

const API_KEY = "sk-webops-EXPORT-secret-key";
const HF_TOKEN = "hf_EXPORTsecretToken123";
const SEALED = ["sealed-apikey-blob-7f3a", "sealed-hftoken-blob-9c2e"] as const;

type TCreated = { id: string; dirId: string };

/** A deployment row as create-deployment stores it: the spec without secrets, the secrets sealed apart. */
async function createDeployment(
  hostId: string,
  input: Omit<TDeploymentSpecInput, "hostId">,
): Promise<TCreated> {
  const spec = ZDeploymentSpec.parse({ ...input, hostId });
  const operation = await db().operation.create({ data: { kind: "deploy", hostId } });
  const dirId = `exp${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const row = await db().deployment.create({
    data: {
      hostId,
      operationId: operation.id,
      spec: JSON.parse(JSON.stringify(withoutSecrets(spec))) as Prisma.InputJsonObject,
      specHash: "x",
      modelName: spec.servedModelName,
      installMethod: spec.install.method,
      apiKeySealed: SEALED[0],
      hfTokenSealed: SEALED[1],
      dirId,
      status: "running",
    },
  });
  return { id: row.id, dirId };
}

async function fetchExport(id: string, format: string, query = "") {
  const res = await fetch(testUrl(`/api/deployments/${id}/exports/${format}${query}`));
  return { res, text: await res.text() };
}

function expectNoSecrets(text: string): void {
  for (const secret of [API_KEY, HF_TOKEN, ...SEALED]) expect(text).not.toContain(secret);
}

describe("deployment exports API", () => {
  let gpu: TCreated;
  let cpu: TCreated;

  beforeAll(async () => {
    const host = await db().host.create({
      data: { name: `exports-${Date.now()}`, address: "10.0.0.5", username: "deploy", authMethod: "key" },
    });
    gpu = await createDeployment(host.id, {
      model: { source: "hf", repo: "Qwen/Qwen2.5-0.5B-Instruct" },
      install: { method: "container", image: "vllm/vllm-openai", tag: "v0.8.5" },
      serve: { apiKey: API_KEY, tensorParallelSize: 2 },
      hfToken: HF_TOKEN,
    });
    cpu = await createDeployment(host.id, {
      model: { source: "hf", repo: "Qwen/Qwen2.5-0.5B-Instruct" },
      install: { method: "pip", variant: "cpu" },
      serve: { apiKey: API_KEY },
    });
  });

  it("serves a Docker Compose file that reserves the GPUs and names the secrets as variables", async () => {
    const { res, text } = await fetchExport(gpu.id, "compose");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/yaml/);
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="vllm-qwen-qwen2-5-0-5b-instruct.compose.yaml"',
    );
    const compose = parse(text) as {
      name: string;
      services: { vllm: { image: string; environment: Record<string, string>; deploy: unknown } };
    };
    expect(compose.name).toBe("vllm-qwen-qwen2-5-0-5b-instruct");
    expect(compose.services.vllm.image).toBe("vllm/vllm-openai:v0.8.5");
    expect(compose.services.vllm.environment.VLLM_API_KEY).toMatch(/^\$\{VLLM_API_KEY:\?/);
    expect(compose.services.vllm.environment.HF_TOKEN).toMatch(/^\$\{HF_TOKEN:\?/);
    expect(compose.services.vllm.deploy).toEqual({
      resources: { reservations: { devices: [{ driver: "nvidia", count: 2, capabilities: ["gpu"] }] } },
    });
    expectNoSecrets(text);
  });

  it("serves Kubernetes manifests in the namespace asked for, and a LeaderWorkerSet across nodes", async () => {
    const single = await fetchExport(gpu.id, "kubernetes", "?namespace=llm");
    expect(single.res.status).toBe(200);
    expect(single.res.headers.get("content-type")).toMatch(/^application\/yaml/);
    expect(single.res.headers.get("content-disposition")).toBe(
      'attachment; filename="vllm-qwen-qwen2-5-0-5b-instruct.kubernetes.yaml"',
    );
    const docs = parseAllDocuments(single.text);
    if (!Array.isArray(docs)) throw new Error("no YAML documents");
    const objects = docs.map((d) => d.toJS()) as { kind: string; metadata: { namespace?: string } }[];
    expect(objects.map((o) => o.kind)).toEqual(["Deployment", "Service"]);
    for (const o of objects) expect(o.metadata.namespace).toBe("llm");
    expect(single.text).toContain("secretKeyRef");
    expect(single.text).toContain("kubectl -n llm create secret generic");
    expectNoSecrets(single.text);

    const multi = await fetchExport(gpu.id, "kubernetes", "?nodes=2");
    expect(multi.res.status).toBe(200);
    const lws = parseAllDocuments(multi.text);
    if (!Array.isArray(lws)) throw new Error("no YAML documents");
    const [workload] = lws.map((d) => d.toJS()) as {
      kind: string;
      spec: { leaderWorkerTemplate: { size: number } };
    }[];
    expect(workload?.kind).toBe("LeaderWorkerSet");
    expect(workload?.spec.leaderWorkerTemplate.size).toBe(2);
    expectNoSecrets(multi.text);
  });

  it("serves the systemd unit with serve.sh and a service.env holding names, not values", async () => {
    const { res, text } = await fetchExport(gpu.id, "systemd");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="webops-vllm-${gpu.dirId}.service.txt"`,
    );
    const dir = `/home/deploy/webops/deployments/${gpu.dirId}`;
    expect(text).toContain(`# ==> webops-vllm-${gpu.dirId}.service (mode 0644) <==`);
    expect(text).toContain(`ExecStart=/bin/sh ${dir}/serve.sh`);
    expect(text).toContain(`# ==> ${dir}/service.env (mode 0600) <==`);
    expect(text).toMatch(/^VLLM_API_KEY=$/m);
    expect(text).toMatch(/^HF_TOKEN=$/m);
    expect(text).toContain("taken as /home/deploy");
    expectNoSecrets(text);
  });

  it("refuses bad options with 400 and a message that says what is wrong", async () => {
    const cases: [string, string, RegExp][] = [
      ["kubernetes", "?nodes=0", /nodes.*1 to 64/],
      ["kubernetes", "?nodes=65", /nodes.*1 to 64/],
      ["kubernetes", "?nodes=two", /nodes.*1 to 64/],
      ["kubernetes", "?namespace=Bad_NS", /namespace.*lower-case/],
      ["kubernetes", `?namespace=${"a".repeat(64)}`, /namespace.*63/],
      ["compose", "?nodes=2", /kubernetes export only/],
    ];
    for (const [format, query, message] of cases) {
      const { res, text } = await fetchExport(gpu.id, format, query);
      expect(res.status, `${format}${query}`).toBe(400);
      expect((JSON.parse(text) as { error: string }).error).toMatch(message);
    }
    // The export's own constraints pass through: a CPU deployment cannot span hosts.
    const { res, text } = await fetchExport(cpu.id, "kubernetes", "?nodes=2");
    expect(res.status).toBe(400);
    expect((JSON.parse(text) as { error: string }).error).toMatch(/needs GPUs/);
  });

  it("answers 404 for an unknown format or deployment", async () => {
    const format = await fetchExport(gpu.id, "helm");
    expect(format.res.status).toBe(404);
    expect((JSON.parse(format.text) as { error: string }).error).toMatch(/compose, kubernetes, systemd/);
    for (const f of ["compose", "kubernetes", "systemd"]) {
      const missing = await fetchExport("no-such-deployment", f);
      expect(missing.res.status, f).toBe(404);
      expect((JSON.parse(missing.text) as { error: string }).error).toBe("No such deployment");
    }
  });
});
