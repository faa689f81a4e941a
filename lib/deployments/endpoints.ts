import type { TDeploymentSpec } from "./schema";

/** Where the panel probes; a wildcard bind is probed on loopback. */
export function healthUrl(spec: TDeploymentSpec): string {
  return `${baseUrl(spec)}/health`;
}

/** vLLM's Prometheus metrics; like /health, not guarded by --api-key. */
export function metricsUrl(spec: TDeploymentSpec): string {
  return `${baseUrl(spec)}/metrics`;
}

export function chatCompletionsUrl(spec: TDeploymentSpec): string {
  return `${baseUrl(spec)}/v1/chat/completions`;
}

function baseUrl(spec: TDeploymentSpec): string {
  const { host: bind, port } = spec.serve;
  const host = bind === "0.0.0.0" ? "127.0.0.1" : bind === "::" ? "::1" : bind;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** One short, deterministic chat completion: proves the model loads and answers. */
export function sanityRequestBody(spec: TDeploymentSpec): string {
  return JSON.stringify({
    model: spec.servedModelName,
    messages: [{ role: "user", content: "Reply with the single word: ready" }],
    max_tokens: 16,
    temperature: 0,
  });
}
