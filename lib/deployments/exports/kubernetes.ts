import { AppError } from "../../errors";
import type { TDeploymentSpec } from "../schema";
import { serveArgs, type TDevice } from "../service-files";
import {
  containerModel,
  exportDevice,
  exportImage,
  exportName,
  labelValue,
  parallelLayout,
  secretEnvNames,
  toYaml,
} from "./common";
import { PORT_NAME, type TPodContext, vllmPodSpec } from "./kubernetes-pod";
import type {
  TDeployment,
  TKubernetesObject,
  TLeaderWorkerSet,
  TObjectMeta,
  TService,
} from "./kubernetes-types";

export type TKubernetesOptions = {
  /** Name of the Deployment or LeaderWorkerSet and of the Service; derived from the model when left out. */
  name?: string;
  namespace?: string;
  /** Overrides the image (default: the deployment's image, or vllm/vllm-openai at the pinned version). */
  image?: string;
  /** Overrides where vLLM runs; by default the install method decides. */
  device?: TDevice;
  /** Model replicas behind the Service. */
  replicas?: number;
  /**
   * Hosts one replica spans. Above 1 the export is a LeaderWorkerSet: each pod holds one pipeline
   * stage of tensor-parallel-size GPUs (see parallelLayout).
   */
  nodes?: number;
  /** The Secret the API key and Hugging Face token are read from; `<name>-secrets` by default. */
  secretName?: string;
  /** A PersistentVolumeClaim for the Hugging Face cache, so restarts skip the download; emptyDir otherwise. */
  modelCacheClaim?: string;
  /** Size of the memory-backed /dev/shm. */
  shmSizeGiB?: number;
};

export type TKubernetesExport = {
  workload: TDeployment | TLeaderWorkerSet;
  service: TService;
  /** Every object, in apply order. No Secret: its values never leave the panel. */
  objects: TKubernetesObject[];
  /** The Secret the pods read, undefined when the deployment has neither API key nor token. */
  secretName: string | undefined;
  yaml: string;
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function checked(
  value: string | undefined,
  field: string,
  pattern: RegExp,
  what: string,
): string | undefined {
  if (value === undefined || pattern.test(value)) return value;
  throw new AppError("validation", `${field}: ${what}`, { [field]: what });
}

function positiveInt(value: number, field: string, max: number): number {
  if (Number.isInteger(value) && value >= 1 && value <= max) return value;
  throw new AppError("validation", `${field}: a whole number from 1 to ${max}`, {
    [field]: `A whole number from 1 to ${max}`,
  });
}

/**
 * Kubernetes manifests in the shape llm-d's guides use: a Deployment (or, for a model that spans
 * several hosts, a LeaderWorkerSet) running `vllm serve` with the deployment's arguments, and a
 * ClusterIP Service in front. Pods carry llm-d's serving labels, request nvidia.com/gpu per host,
 * mount a memory-backed /dev/shm and a compile cache under /tmp/cache/compile, and read secrets
 * from a Secret by reference.
 */
export function kubernetesManifests(spec: TDeploymentSpec, opts: TKubernetesOptions = {}): TKubernetesExport {
  const name = exportName(spec, opts.name);
  const namespace = checked(
    opts.namespace,
    "namespace",
    DNS_LABEL,
    "lower-case letters, digits and -, at most 63",
  );
  const device = exportDevice(spec, opts.device);
  const layout = parallelLayout(spec, device, opts.nodes ?? 1);
  const replicas = positiveInt(opts.replicas ?? 1, "replicas", 100);
  const shmSizeGiB = positiveInt(opts.shmSizeGiB ?? 16, "shmSizeGiB", 1024);
  const modelCacheClaim = checked(opts.modelCacheClaim, "modelCacheClaim", DNS_SUBDOMAIN, "a claim name");
  const secretName =
    secretEnvNames(spec).length === 0
      ? undefined
      : checked(opts.secretName ?? `${name}-secrets`, "secretName", DNS_SUBDOMAIN, "a Secret name");

  const ctx: TPodContext = {
    spec,
    device,
    image: exportImage(spec, device, opts.image),
    layout,
    secretName,
    shmSizeGiB,
    modelCacheClaim,
    serveArgs: serveArgs(spec, device, containerModel(spec), "0.0.0.0"),
  };

  const meta = (labels: Record<string, string>): TObjectMeta => ({
    name,
    ...(namespace === undefined ? {} : { namespace }),
    labels,
  });
  const selector = { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": name };
  const base = { ...selector, "app.kubernetes.io/managed-by": "webops" };
  // llm-d's inference pool and tooling find model servers by these labels.
  const serving = {
    ...base,
    "llm-d.ai/inferenceServing": "true",
    "llm-d.ai/model": labelValue(spec.servedModelName),
    "llm-d.ai/role": "decode",
  };

  const workload: TDeployment | TLeaderWorkerSet =
    layout.nodes === 1
      ? {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: meta(serving),
          spec: {
            replicas,
            selector: { matchLabels: selector },
            template: { metadata: { labels: serving }, spec: vllmPodSpec(ctx, "single") },
          },
        }
      : {
          apiVersion: "leaderworkerset.x-k8s.io/v1",
          kind: "LeaderWorkerSet",
          metadata: meta(serving),
          spec: {
            replicas,
            leaderWorkerTemplate: {
              size: layout.nodes,
              // A lost worker breaks the model's pipeline: restart the whole group together.
              restartPolicy: "RecreateGroupOnPodRestart",
              leaderTemplate: {
                metadata: { labels: { ...serving, "app.kubernetes.io/component": "leader" } },
                spec: vllmPodSpec(ctx, "leader"),
              },
              workerTemplate: {
                metadata: { labels: { ...base, "app.kubernetes.io/component": "worker" } },
                spec: vllmPodSpec(ctx, "worker"),
              },
            },
          },
        };

  const service: TService = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(base),
    spec: {
      type: "ClusterIP",
      // Only pods that serve carry inferenceServing: a LeaderWorkerSet's workers do not.
      selector: { "app.kubernetes.io/instance": name, "llm-d.ai/inferenceServing": "true" },
      ports: [{ name: PORT_NAME, port: spec.serve.port, targetPort: PORT_NAME, protocol: "TCP" }],
    },
  };

  const objects: TKubernetesObject[] = [workload, service];
  const yaml = objects
    .map((o, i) => toYaml(o, i === 0 ? header(spec, name, namespace, secretName, layout.nodes) : undefined))
    .join("---\n");
  return { workload, service, objects, secretName, yaml };
}

function header(
  spec: TDeploymentSpec,
  name: string,
  namespace: string | undefined,
  secretName: string | undefined,
  nodes: number,
): string {
  const ns = namespace === undefined ? "" : ` -n ${namespace}`;
  const lines = [` Written by WebOps: vLLM serving ${spec.servedModelName} as ${name}.`];
  if (nodes > 1) {
    lines.push(` Spans ${nodes} hosts per replica: needs the LeaderWorkerSet controller (0.7.0 or newer).`);
  }
  if (secretName !== undefined) {
    const literals = secretEnvNames(spec)
      .map((v) => `--from-literal=${v}="$${v}"`)
      .join(" ");
    lines.push(
      " Secrets are not in this file. Create them first:",
      `   kubectl${ns} create secret generic ${secretName} ${literals}`,
    );
  } else {
    lines.push(" This deployment has no API key: anyone who reaches the Service can use the model.");
  }
  lines.push(` Then: kubectl${ns} apply -f <this file>`);
  return lines.join("\n");
}
