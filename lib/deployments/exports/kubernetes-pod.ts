import type { TDeploymentSpec } from "../schema";
import type { TDevice } from "../service-files";
import {
  CACHE_MOUNT_PATH,
  CONTAINER_MODEL_PATH,
  HF_CACHE_PATH,
  plainEnv,
  SECRET_ENV,
  secretEnvNames,
  type TParallelLayout,
} from "./common";
import type { TContainer, TEnvVar, TPodSpec, TProbeAction, TVolume } from "./kubernetes-types";

/** The pod-level choices the manifests share; built once by kubernetesManifests. */
export type TPodContext = {
  spec: TDeploymentSpec;
  device: TDevice;
  image: string;
  layout: TParallelLayout;
  /** The Secret holding VLLM_API_KEY and HF_TOKEN, when the spec has either. */
  secretName: string | undefined;
  shmSizeGiB: number;
  modelCacheClaim: string | undefined;
  /** The `vllm serve` arguments (model first), bound to 0.0.0.0 inside the pod. */
  serveArgs: string[];
};

export const PORT_NAME = "http";

export type TPodRole = "single" | "leader" | "worker";

/** Shipped in vLLM's images: starts Ray (head or worker) for a model spread over several hosts. */
const MULTI_NODE_SCRIPT = "/vllm-workspace/examples/online_serving/multi-node-serving.sh";

/**
 * Probes in llm-d's shape: liveness on /health, readiness and a startup probe on /v1/models, the
 * startup probe long enough for the download and load (the deployment's health timeout). With an
 * API key /v1/models answers 401 without it, and an httpGet probe cannot read a Secret, so the
 * models probe becomes curl in the container with the key from its environment.
 */
function probes(ctx: TPodContext): Pick<TContainer, "startupProbe" | "livenessProbe" | "readinessProbe"> {
  const port = ctx.spec.serve.port;
  const models: TProbeAction =
    ctx.spec.serve.apiKey === undefined
      ? { httpGet: { path: "/v1/models", port: PORT_NAME } }
      : {
          exec: {
            command: [
              "/bin/sh",
              "-c",
              `curl -fsS -o /dev/null -H "Authorization: Bearer $${SECRET_ENV.apiKey}" http://127.0.0.1:${port}/v1/models`,
            ],
          },
        };
  return {
    startupProbe: {
      ...models,
      initialDelaySeconds: 15,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: Math.ceil(ctx.spec.serve.healthTimeoutS / 10),
    },
    livenessProbe: {
      httpGet: { path: "/health", port: PORT_NAME },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    readinessProbe: { ...models, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
  };
}

function env(ctx: TPodContext, role: TPodRole): TEnvVar[] {
  const vars: TEnvVar[] = [];
  const secretName = ctx.secretName;
  if (secretName !== undefined) {
    // The key in the Secret has the variable's own name, as in service.env. Workers serve no HTTP,
    // so they get the token (they load weights) but not the API key.
    for (const name of secretEnvNames(ctx.spec)) {
      if (role === "worker" && name === SECRET_ENV.apiKey) continue;
      vars.push({ name, valueFrom: { secretKeyRef: { name: secretName, key: name } } });
    }
  }
  for (const [name, value] of plainEnv(ctx.spec, ctx.device)) vars.push({ name, value });
  return vars;
}

function volumes(ctx: TPodContext): { volumes: TVolume[]; mounts: TContainer["volumeMounts"] } {
  const volumes: TVolume[] = [
    // NCCL and vLLM's workers share tensors through /dev/shm; a container's default 64 MiB is too small.
    { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${ctx.shmSizeGiB}Gi` } },
    { name: "compile-cache", emptyDir: {} },
    ctx.modelCacheClaim === undefined
      ? { name: "model-cache", emptyDir: {} }
      : { name: "model-cache", persistentVolumeClaim: { claimName: ctx.modelCacheClaim } },
  ];
  const mounts: TContainer["volumeMounts"] = [
    { name: "dshm", mountPath: "/dev/shm" },
    { name: "compile-cache", mountPath: CACHE_MOUNT_PATH },
    { name: "model-cache", mountPath: HF_CACHE_PATH },
  ];
  if (ctx.spec.model.source === "path") {
    // The folder must exist on every node that can run the pod (or replace this with a volume claim).
    volumes.push({ name: "model", hostPath: { path: ctx.spec.model.path, type: "Directory" } });
    mounts.push({ name: "model", mountPath: CONTAINER_MODEL_PATH, readOnly: true });
  }
  return { volumes, mounts };
}

function resources(ctx: TPodContext): TContainer["resources"] {
  if (ctx.layout.gpusPerNode === 0) return {};
  const gpus = { "nvidia.com/gpu": ctx.layout.gpusPerNode };
  return { limits: gpus, requests: { ...gpus } };
}

/**
 * The vLLM pod. `single` serves on its own; in a LeaderWorkerSet the `leader` starts the Ray head,
 * waits for the group, then serves, and each `worker` joins the leader's Ray cluster.
 */
export function vllmPodSpec(ctx: TPodContext, role: TPodRole): TPodSpec {
  const { volumes: podVolumes, mounts } = volumes(ctx);
  const base = {
    image: ctx.image,
    imagePullPolicy: "IfNotPresent" as const,
    env: env(ctx, role),
    resources: resources(ctx),
    volumeMounts: mounts,
  };
  const ports = [{ name: PORT_NAME, containerPort: ctx.spec.serve.port, protocol: "TCP" as const }];
  let container: TContainer;
  if (role === "single") {
    container = {
      name: "vllm",
      ...base,
      command: ["vllm", "serve"],
      args: ctx.serveArgs,
      ports,
      ...probes(ctx),
    };
  } else if (role === "leader") {
    container = {
      name: "vllm-leader",
      ...base,
      // The serve arguments stay a list: the script passes them on as "$@", nothing is re-parsed.
      command: [
        "/bin/sh",
        "-c",
        `bash ${MULTI_NODE_SCRIPT} leader --ray_cluster_size="$LWS_GROUP_SIZE" && exec vllm serve "$@"`,
        "vllm",
      ],
      args: [...ctx.serveArgs, ...ctx.layout.extraServeArgs, "--distributed-executor-backend", "ray"],
      ports,
      ...probes(ctx),
    };
  } else {
    container = {
      name: "vllm-worker",
      ...base,
      command: ["/bin/sh", "-c", `exec bash ${MULTI_NODE_SCRIPT} worker --ray_address="$LWS_LEADER_ADDRESS"`],
    };
  }
  return { containers: [container], volumes: podVolumes, terminationGracePeriodSeconds: 60 };
}
