import type { TDeploymentSpec } from "../schema";
import { serveArgs, type TDevice } from "../service-files";
import {
  CACHE_MOUNT_PATH,
  CONTAINER_MODEL_PATH,
  containerModel,
  exportDevice,
  exportImage,
  exportName,
  HF_CACHE_PATH,
  parallelLayout,
  plainEnv,
  secretEnvNames,
  toYaml,
} from "./common";

export type TComposeOptions = {
  /** The Compose project name; derived from the served model name when left out. */
  name?: string;
  /** Overrides the image (default: the deployment's image, or vllm/vllm-openai at the pinned version). */
  image?: string;
  /** Overrides where vLLM runs; by default the install method decides. */
  device?: TDevice;
  /** Size of /dev/shm, where NCCL and vLLM's workers exchange tensors. */
  shmSizeGiB?: number;
};

export type TComposeService = {
  image: string;
  restart: "unless-stopped";
  entrypoint: string[];
  command: string[];
  ports: string[];
  environment: Record<string, string>;
  volumes: string[];
  shm_size: string;
  healthcheck: {
    test: string[];
    interval: string;
    timeout: string;
    retries: number;
    start_period: string;
  };
  deploy?: {
    resources: { reservations: { devices: { driver: "nvidia"; count: number; capabilities: string[] }[] } };
  };
};

export type TComposeFile = {
  name: string;
  services: { vllm: TComposeService };
  volumes: Record<string, Record<string, never>>;
};

/** Compose reads `$` as the start of a variable everywhere; `$$` is a literal dollar. */
const literal = (text: string) => text.replaceAll("$", () => "$$");

/**
 * A docker-compose.yml that serves the deployment's model as the panel's container run does: the
 * same `vllm serve` arguments, port and cache mount, with GPUs reserved, a health check on /health,
 * a named volume for the Hugging Face cache and one for the compile cache, and a sized /dev/shm.
 * Secrets are Compose variables (`${VLLM_API_KEY:?...}`) read from the shell or a `.env` file.
 */
export function composeFile(
  spec: TDeploymentSpec,
  opts: TComposeOptions = {},
): { object: TComposeFile; yaml: string } {
  const device = exportDevice(spec, opts.device);
  const layout = parallelLayout(spec, device, 1);
  const { host, port } = spec.serve;
  const publishHost = host.includes(":") ? `[${host}]` : host;

  const environment: Record<string, string> = {};
  for (const name of secretEnvNames(spec)) {
    environment[name] = `\${${name}:?set ${name} in the environment or in .env next to this file}`;
  }
  for (const [name, value] of plainEnv(spec, device)) environment[name] = literal(value);

  const volumes = [`hf-cache:${HF_CACHE_PATH}`, `compile-cache:${CACHE_MOUNT_PATH}`];
  if (spec.model.source === "path") volumes.push(`${literal(spec.model.path)}:${CONTAINER_MODEL_PATH}:ro`);

  const service: TComposeService = {
    image: exportImage(spec, device, opts.image),
    restart: "unless-stopped",
    // vLLM's own convention for images: `vllm serve` whatever the image's default command.
    entrypoint: ["vllm", "serve"],
    command: serveArgs(spec, device, containerModel(spec), "0.0.0.0").map(literal),
    ports: [`${publishHost}:${port}:${port}`],
    environment,
    volumes,
    shm_size: `${opts.shmSizeGiB ?? 16}gb`,
    healthcheck: {
      // /health answers without the API key; curl is in vLLM's images.
      test: ["CMD", "curl", "-fsS", "-o", "/dev/null", `http://127.0.0.1:${port}/health`],
      interval: "30s",
      timeout: "10s",
      retries: 3,
      start_period: `${spec.serve.healthTimeoutS}s`,
    },
  };
  if (device === "gpu") {
    service.deploy = {
      resources: {
        reservations: { devices: [{ driver: "nvidia", count: layout.gpusPerNode, capabilities: ["gpu"] }] },
      },
    };
  }
  const object: TComposeFile = {
    name: exportName(spec, opts.name),
    services: { vllm: service },
    volumes: { "hf-cache": {}, "compile-cache": {} },
  };
  const secrets = secretEnvNames(spec);
  const header = [
    ` Written by WebOps: vLLM serving ${spec.servedModelName}. Start with: docker compose up -d`,
    secrets.length > 0
      ? ` Secrets are not in this file: set ${secrets.join(" and ")} in the environment or in .env beside it.`
      : " This deployment has no API key: anyone who reaches the port can use the model.",
  ].join("\n");
  return { object, yaml: toYaml(object, header) };
}
