import type { TDeploymentSpec } from "../deployments/schema";

/** Where vLLM listens as seen from its own host: a wildcard bind is reached on loopback. */
export function modelAddress(spec: Pick<TDeploymentSpec, "serve">): { address: string; port: number } {
  const bind = spec.serve.host;
  const address = bind === "0.0.0.0" ? "127.0.0.1" : bind === "::" ? "::1" : bind;
  return { address, port: spec.serve.port };
}
