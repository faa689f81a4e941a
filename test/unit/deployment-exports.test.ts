import { execFileSync } from "node:child_process";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1";
import { type IPodTemplateSpec, type IService, PodTemplateSpec, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { composeFile, kubernetesManifests, systemdUnitExport } from "@/lib/deployments/exports";
import type {
  TContainer,
  TDeployment,
  TLeaderWorkerSet,
  TPodTemplateSpec,
  TService,
} from "@/lib/deployments/exports/kubernetes-types";
import { type TDeploymentSpec, type TDeploymentSpecInput, ZDeploymentSpec } from "@/lib/deployments/schema";
import { serveArgs, serveScript, systemdUnitText } from "@/lib/deployments/service-files";
import { AppError } from "@/lib/errors";

const API_KEY = "sk-webops-SECRET-apikey";
const HF_TOKEN = "hf_SECRETtokenvalue123";

const spec = (over: Partial<TDeploymentSpecInput> = {}): TDeploymentSpec =>
  ZDeploymentSpec.parse({
    hostId: "h1",
    model: { source: "hf", repo: "Qwen/Qwen2.5-0.5B-Instruct" },
    install: { method: "container", image: "vllm/vllm-openai", tag: "v0.8.5" },
    serve: { apiKey: API_KEY, tensorParallelSize: 2 },
    hfToken: HF_TOKEN,
    ...over,
  });

/** Parses every YAML document strictly; a warning or an error fails the test. */
function parseYaml(text: string): unknown[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error("no documents");
  for (const doc of docs) {
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
  }
  return docs.map((d) => d.toJS());
}

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(API_KEY);
  expect(text).not.toContain(HF_TOKEN);
}

// The exported types are structurally Kubernetes' own: these only compile if they are assignable.
const asDeployment = (d: TDeployment): IDeployment => d;
const asService = (s: TService): IService => s;
const asPodTemplate = (t: TPodTemplateSpec): IPodTemplateSpec => t;

/** Validates against the Kubernetes OpenAPI schema (kubernetes-models); throws with the failing path. */
function validateK8s(object: { kind: string }): void {
  if (object.kind === "Deployment") new Deployment(asDeployment(object as TDeployment)).validate();
  else if (object.kind === "Service") new Service(asService(object as TService)).validate();
  else throw new Error(`no schema for ${object.kind}`);
}

const only = <T>(items: readonly T[] | undefined): T => {
  expect(items).toHaveLength(1);
  return (items as readonly T[])[0] as T;
};

describe("Docker Compose export", () => {
  it("reserves the GPUs, checks /health, sizes /dev/shm and keeps the model cache in a volume", () => {
    const s = spec();
    const { object, yaml } = composeFile(s);
    const [parsed] = parseYaml(yaml);
    expect(parsed).toEqual(object);
    const vllm = object.services.vllm;
    expect(vllm.image).toBe("vllm/vllm-openai:v0.8.5");
    expect(vllm.deploy?.resources.reservations.devices).toEqual([
      { driver: "nvidia", count: 2, capabilities: ["gpu"] },
    ]);
    expect(vllm.healthcheck.test).toContain("http://127.0.0.1:8000/health");
    expect(vllm.healthcheck.start_period).toBe("900s");
    expect(vllm.shm_size).toBe("16gb");
    expect(vllm.volumes).toContain("hf-cache:/root/.cache/huggingface");
    expect(vllm.volumes).toContain("compile-cache:/tmp/cache");
    expect(Object.keys(object.volumes)).toEqual(["hf-cache", "compile-cache"]);
    expect(vllm.environment.VLLM_CACHE_ROOT).toBe("/tmp/cache/compile/vllm");
    expect(vllm.ports).toEqual(["127.0.0.1:8000:8000"]);
    expect(vllm.entrypoint).toEqual(["vllm", "serve"]);
    expect(vllm.command).toEqual(serveArgs(s, "gpu", "Qwen/Qwen2.5-0.5B-Instruct", "0.0.0.0"));
  });

  it("refers to the API key and token as variables, never their values", () => {
    const { object, yaml } = composeFile(spec());
    expectNoSecrets(yaml);
    expect(object.services.vllm.environment.VLLM_API_KEY).toMatch(/^\$\{VLLM_API_KEY:\?.+\}$/);
    expect(object.services.vllm.environment.HF_TOKEN).toMatch(/^\$\{HF_TOKEN:\?.+\}$/);
    const open = composeFile(spec({ serve: {}, hfToken: undefined }));
    expect(open.object.services.vllm.environment).toEqual({ VLLM_CACHE_ROOT: "/tmp/cache/compile/vllm" });
    expect(open.yaml).toContain("no API key");
  });

  it("escapes $ so Compose does not read the operator's values as variables", () => {
    const s = spec({
      serve: { extraArgs: ["--chat-template", "/srv/$HOME/t.jinja"] },
      model: { source: "path", path: "/srv/models/$x" },
    });
    const vllm = composeFile(s).object.services.vllm;
    expect(vllm.command).toContain("/srv/$$HOME/t.jinja");
    expect(vllm.command[0]).toBe("/model");
    expect(vllm.volumes).toContain("/srv/models/$$x:/model:ro");
  });

  it("runs vLLM's image at the pinned pip version, and CPU deployments without a GPU reservation", () => {
    const gpu = composeFile(spec({ install: { method: "pip", version: "0.8.5" } })).object.services.vllm;
    expect(gpu.image).toBe("vllm/vllm-openai:v0.8.5");
    const cpu = composeFile(
      spec({
        install: { method: "pip", variant: "cpu", version: "0.9.1+cpu" },
        serve: { cpuKvCacheSpaceGiB: 8, cpuThreadsBind: "0-7" },
      }),
    ).object.services.vllm;
    expect(cpu.deploy).toBeUndefined();
    expect(cpu.image).toMatch(/vllm-cpu-release-repo:v0\.9\.1$/);
    expect(cpu.environment).toMatchObject({ VLLM_CPU_KVCACHE_SPACE: "8", VLLM_CPU_OMP_THREADS_BIND: "0-7" });
    expect(cpu.command).not.toContain("--gpu-memory-utilization");
  });
});

describe("Kubernetes export", () => {
  const container = (d: TDeployment): TContainer => only(d.spec.template.spec.containers);

  it("writes a Deployment and a Service that the Kubernetes schema accepts", () => {
    const out = kubernetesManifests(spec(), { name: "qwen", namespace: "llm" });
    const docs = parseYaml(out.yaml) as { kind: string }[];
    expect(docs).toEqual(out.objects);
    expect(docs.map((d) => d.kind)).toEqual(["Deployment", "Service"]);
    for (const doc of docs) expect(() => validateK8s(doc)).not.toThrow();
    expect(out.workload.metadata).toMatchObject({ name: "qwen", namespace: "llm" });
    expect(out.service.metadata).toMatchObject({ name: "qwen", namespace: "llm" });
  });

  it("the schema check catches a broken manifest (so a pass means something)", () => {
    const d = structuredClone(kubernetesManifests(spec()).workload as TDeployment);
    (container(d).ports?.[0] as { containerPort: unknown }).containerPort = "8000";
    expect(() => validateK8s(d)).toThrow(/containerPort/);
  });

  it("probes liveness on /health, readiness and a long startup on /v1/models, on the serving port", () => {
    const s = spec({ serve: { tensorParallelSize: 1, port: 8123, healthTimeoutS: 1800 } });
    const d = kubernetesManifests(s).workload as TDeployment;
    const c = container(d);
    expect(c.ports).toEqual([{ name: "http", containerPort: 8123, protocol: "TCP" }]);
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: "/health", port: "http" } });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: "/v1/models", port: "http" } });
    expect(c.startupProbe).toMatchObject({ httpGet: { path: "/v1/models", port: "http" } });
    const startup = c.startupProbe as NonNullable<TContainer["startupProbe"]>;
    expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(1800);
    expect(c.command).toEqual(["vllm", "serve"]);
    expect(c.args).toEqual(serveArgs(s, "gpu", "Qwen/Qwen2.5-0.5B-Instruct", "0.0.0.0"));
    expect(c.args).toContain("8123");
  });

  it("with an API key, probes /v1/models with the key from the pod's environment", () => {
    const c = container(kubernetesManifests(spec()).workload as TDeployment);
    for (const probe of [c.readinessProbe, c.startupProbe]) {
      const command = (probe as { exec: { command: string[] } }).exec.command.join(" ");
      expect(command).toContain("http://127.0.0.1:8000/v1/models");
      expect(command).toContain("Bearer $VLLM_API_KEY");
    }
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: "/health" } });
  });

  it("asks for nvidia.com/gpu equal to the tensor parallel size, none on CPU", () => {
    for (const tp of [1, 2, 4, 8]) {
      const c = container(
        kubernetesManifests(spec({ serve: { tensorParallelSize: tp } })).workload as TDeployment,
      );
      expect(c.resources.limits?.["nvidia.com/gpu"]).toBe(tp);
      expect(c.resources.requests?.["nvidia.com/gpu"]).toBe(tp);
    }
    const cpu = kubernetesManifests(spec({ install: { method: "pip", variant: "cpu" } }));
    expect(container(cpu.workload as TDeployment).resources).toEqual({});
    expect(() => validateK8s(cpu.workload)).not.toThrow();
  });

  it("mounts a memory-backed /dev/shm and a compile cache under /tmp/cache/compile", () => {
    const d = kubernetesManifests(spec(), { shmSizeGiB: 32 }).workload as TDeployment;
    const c = container(d);
    const volumes = d.spec.template.spec.volumes;
    expect(volumes).toContainEqual({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "32Gi" } });
    expect(c.volumeMounts).toContainEqual({ name: "dshm", mountPath: "/dev/shm" });
    expect(c.env).toContainEqual({ name: "VLLM_CACHE_ROOT", value: "/tmp/cache/compile/vllm" });
    expect(c.volumeMounts).toContainEqual({ name: "compile-cache", mountPath: "/tmp/cache" });
    expect(c.volumeMounts).toContainEqual({ name: "model-cache", mountPath: "/root/.cache/huggingface" });
    const claimed = kubernetesManifests(spec(), { modelCacheClaim: "hf-cache" }).workload as TDeployment;
    expect(claimed.spec.template.spec.volumes).toContainEqual({
      name: "model-cache",
      persistentVolumeClaim: { claimName: "hf-cache" },
    });
  });

  it("labels pods for llm-d and selects them from the Deployment and the Service", () => {
    const out = kubernetesManifests(spec(), { name: "qwen" });
    const d = out.workload as TDeployment;
    const podLabels = d.spec.template.metadata.labels ?? {};
    expect(podLabels).toMatchObject({
      "llm-d.ai/inferenceServing": "true",
      "llm-d.ai/model": "Qwen-Qwen2.5-0.5B-Instruct",
      "llm-d.ai/role": "decode",
      "app.kubernetes.io/name": "vllm",
      "app.kubernetes.io/instance": "qwen",
    });
    expect(d.metadata.labels?.["llm-d.ai/inferenceServing"]).toBe("true");
    expect(podLabels).toMatchObject(d.spec.selector.matchLabels);
    expect(podLabels).toMatchObject(out.service.spec.selector);
    expect(out.service.spec.ports).toEqual([
      { name: "http", port: 8000, targetPort: "http", protocol: "TCP" },
    ]);
    // The YAML keeps "true" a string, also for YAML 1.1 readers.
    expect(out.yaml).toContain('llm-d.ai/inferenceServing: "true"');
  });

  it("reads the API key and token from a Secret and never writes their values", () => {
    const out = kubernetesManifests(spec(), { name: "qwen", namespace: "llm" });
    expectNoSecrets(out.yaml);
    expectNoSecrets(JSON.stringify(out.objects));
    expect(out.objects.map((o) => o.kind)).not.toContain("Secret");
    expect(out.secretName).toBe("qwen-secrets");
    const env = container(out.workload as TDeployment).env;
    for (const key of ["VLLM_API_KEY", "HF_TOKEN"]) {
      expect(env).toContainEqual({ name: key, valueFrom: { secretKeyRef: { name: "qwen-secrets", key } } });
    }
    expect(out.yaml).toContain(
      'kubectl -n llm create secret generic qwen-secrets --from-literal=VLLM_API_KEY="$VLLM_API_KEY" --from-literal=HF_TOKEN="$HF_TOKEN"',
    );
    const open = kubernetesManifests(spec({ serve: {}, hfToken: undefined }));
    expect(open.secretName).toBeUndefined();
    expect(container(open.workload as TDeployment).env).toEqual([
      { name: "VLLM_CACHE_ROOT", value: "/tmp/cache/compile/vllm" },
    ]);
  });

  it("mounts a folder model read-only at /model", () => {
    const d = kubernetesManifests(spec({ model: { source: "path", path: "/srv/models/qwen" } }))
      .workload as TDeployment;
    expect(d.spec.template.spec.volumes).toContainEqual({
      name: "model",
      hostPath: { path: "/srv/models/qwen", type: "Directory" },
    });
    expect(container(d).volumeMounts).toContainEqual({ name: "model", mountPath: "/model", readOnly: true });
    expect(container(d).args?.[0]).toBe("/model");
    expect(() => validateK8s(d)).not.toThrow();
  });

  it("derives a valid name from the model and refuses bad names", () => {
    expect(kubernetesManifests(spec()).workload.metadata.name).toBe("vllm-qwen-qwen2-5-0-5b-instruct");
    for (const name of ["Qwen", "-x", "a_b", "x".repeat(53)]) {
      expect(() => kubernetesManifests(spec(), { name })).toThrow(AppError);
    }
    expect(() => kubernetesManifests(spec(), { namespace: "Bad NS" })).toThrow(AppError);
  });
});

describe("Kubernetes export of a model spanning several hosts", () => {
  const lwsOf = (out: ReturnType<typeof kubernetesManifests>) => out.workload as TLeaderWorkerSet;

  it("writes a LeaderWorkerSet whose pod templates the Kubernetes schema accepts", () => {
    const s = spec({ serve: { apiKey: API_KEY, tensorParallelSize: 8 } });
    const out = kubernetesManifests(s, { name: "big", nodes: 2, replicas: 1 });
    const docs = parseYaml(out.yaml) as { kind: string; apiVersion: string }[];
    expect(docs).toEqual(out.objects);
    expect(docs.map((d) => [d.apiVersion, d.kind])).toEqual([
      ["leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet"],
      ["v1", "Service"],
    ]);
    const lws = lwsOf(out);
    expect(lws.spec.replicas).toBe(1);
    expect(lws.spec.leaderWorkerTemplate.size).toBe(2);
    expect(lws.spec.leaderWorkerTemplate.restartPolicy).toBe("RecreateGroupOnPodRestart");
    // No schema ships for the LeaderWorkerSet CRD: its pod templates are validated as PodTemplateSpec.
    for (const t of [
      lws.spec.leaderWorkerTemplate.leaderTemplate,
      lws.spec.leaderWorkerTemplate.workerTemplate,
    ]) {
      expect(() => new PodTemplateSpec(asPodTemplate(t)).validate()).not.toThrow();
      const c = only(t.spec.containers);
      expect(c.resources.limits?.["nvidia.com/gpu"]).toBe(8);
      expect(t.spec.volumes).toContainEqual({
        name: "dshm",
        emptyDir: { medium: "Memory", sizeLimit: "16Gi" },
      });
      expect(c.env).toContainEqual({ name: "VLLM_CACHE_ROOT", value: "/tmp/cache/compile/vllm" });
    }
    expect(() => validateK8s(out.service)).not.toThrow();
    expectNoSecrets(out.yaml);
    // Shared probe actions and labels are written out, not as YAML anchors some tools reject.
    expect(out.yaml).not.toMatch(/[&*]a\d+\b/);
  });

  it("serves from the leader with one pipeline stage per host over Ray; workers join it", () => {
    const s = spec({ serve: { tensorParallelSize: 8 } });
    const lws = lwsOf(kubernetesManifests(s, { nodes: 2 }));
    const leader = only(lws.spec.leaderWorkerTemplate.leaderTemplate.spec.containers);
    const worker = only(lws.spec.leaderWorkerTemplate.workerTemplate.spec.containers);
    expect(leader.args).toEqual([
      ...serveArgs(s, "gpu", "Qwen/Qwen2.5-0.5B-Instruct", "0.0.0.0"),
      "--pipeline-parallel-size",
      "2",
      "--distributed-executor-backend",
      "ray",
    ]);
    expect(leader.command.join(" ")).toContain('leader --ray_cluster_size="$LWS_GROUP_SIZE"');
    expect(leader.command.join(" ")).toContain('exec vllm serve "$@"');
    expect(leader.readinessProbe).toMatchObject({ httpGet: { path: "/v1/models" } });
    expect(worker.command.join(" ")).toContain('worker --ray_address="$LWS_LEADER_ADDRESS"');
    expect(worker.readinessProbe).toBeUndefined();
    expect(worker.env.map((e) => e.name)).toEqual(["HF_TOKEN", "VLLM_CACHE_ROOT"]);
    // The leader script really hands every serve argument on, unsplit.
    const script = leader.command[2] ?? "";
    const echoed = execFileSync(
      "sh",
      ["-c", script.replace(/^.*&& exec vllm serve/, 'printf "%s\\n"'), "vllm", "a b", "$x"],
      {
        encoding: "utf8",
      },
    );
    expect(echoed).toBe("a b\n$x\n");
  });

  it("sends traffic to leaders only", () => {
    const out = kubernetesManifests(spec(), { nodes: 2 });
    const lws = lwsOf(out);
    const selector = out.service.spec.selector;
    expect(lws.spec.leaderWorkerTemplate.leaderTemplate.metadata.labels).toMatchObject(selector);
    expect(lws.spec.leaderWorkerTemplate.workerTemplate.metadata.labels).not.toMatchObject(selector);
  });

  it("keeps the operator's pipeline parallel size when it matches the hosts, and refuses one that does not", () => {
    const matching = spec({ serve: { extraArgs: ["--pipeline-parallel-size", "2"] } });
    const leader = only(
      lwsOf(kubernetesManifests(matching, { nodes: 2 })).spec.leaderWorkerTemplate.leaderTemplate.spec
        .containers,
    );
    expect(leader.args?.filter((a) => a === "--pipeline-parallel-size")).toHaveLength(1);
    const other = spec({ serve: { tensorParallelSize: 2, extraArgs: ["--pipeline-parallel-size", "3"] } });
    expect(() => kubernetesManifests(other, { nodes: 2 })).toThrow(/--pipeline-parallel-size 3/);
    // On one host, pipeline stages share it: tensor x pipeline GPUs.
    const single = kubernetesManifests(other).workload as TDeployment;
    expect(only(single.spec.template.spec.containers).resources.limits?.["nvidia.com/gpu"]).toBe(6);
    expect(() =>
      kubernetesManifests(spec({ install: { method: "source", gitUrl: "/src/vllm" } }), { nodes: 2 }),
    ).toThrow(AppError);
  });
});

describe("systemd export", () => {
  const dir = "/home/deploy/webops/deployments/d1";
  /** Reads an INI-style unit into section -> key -> values, as systemd does for these simple lines. */
  function parseUnit(text: string): Map<string, Map<string, string[]>> {
    const sections = new Map<string, Map<string, string[]>>();
    let current: Map<string, string[]> | undefined;
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith("#")) continue;
      const header = /^\[(\w+)\]$/.exec(line);
      if (header) {
        current = new Map();
        sections.set(header[1] ?? "", current);
        continue;
      }
      const eq = line.indexOf("=");
      if (!current || eq <= 0) throw new Error(`not a unit line: ${line}`);
      const key = line.slice(0, eq);
      current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
    }
    return sections;
  }

  it("exports the unit and serve.sh the pipeline installs, with the secrets' names but not their values", () => {
    const s = spec({ install: { method: "pip", version: "0.8.5" } });
    const out = systemdUnitExport(s, { deploymentId: "d1", dir: `${dir}/` });
    expect(out.unitName).toBe("webops-vllm-d1.service");
    const [unit, serve, env] = out.files;
    expect(unit?.content).toBe(systemdUnitText("d1", dir));
    const parsed = parseUnit(unit?.content ?? "");
    expect([...parsed.keys()]).toEqual(["Unit", "Service", "Install"]);
    expect(parsed.get("Service")?.get("ExecStart")).toEqual([`/bin/sh ${dir}/serve.sh`]);
    expect(parsed.get("Service")?.get("Restart")).toEqual(["on-failure"]);
    expect(serve).toEqual({ path: `${dir}/serve.sh`, content: serveScript(s, "gpu"), mode: 0o700 });
    expect(env?.path).toBe(`${dir}/service.env`);
    expect(env?.mode).toBe(0o600);
    expect(env?.content).toMatch(/^VLLM_API_KEY=$/m);
    expect(env?.content).toMatch(/^HF_TOKEN=$/m);
    for (const file of out.files) expectNoSecrets(file.content);
    expectNoSecrets(out.instructions.join("\n"));
  });

  it("runs a container deployment in the foreground under systemd", () => {
    const out = systemdUnitExport(spec(), { deploymentId: "d1", dir });
    const serve = out.files[1]?.content ?? "";
    expect(serve).toContain('exec docker run --rm --name webops-vllm-d1 --env-file "$dir/service.env"');
    expect(serve).toContain("vllm/vllm-openai:v0.8.5");
    expect(serve).toContain("--gpus all");
    expectNoSecrets(serve);
    execFileSync("sh", ["-n"], { input: serve });
  });

  it("refuses a folder or id a unit line cannot hold", () => {
    expect(() => systemdUnitExport(spec(), { deploymentId: "d1", dir: "relative/dir" })).toThrow(AppError);
    expect(() => systemdUnitExport(spec(), { deploymentId: "d1", dir: "/srv/a b" })).toThrow(AppError);
    expect(() => systemdUnitExport(spec(), { deploymentId: "d1", dir: "/srv/../etc" })).toThrow(AppError);
    expect(() => systemdUnitExport(spec(), { deploymentId: "d1;x", dir })).toThrow(AppError);
  });
});
