// The stage list alone: safe for the browser (no Node modules).

/** The pipeline's stages in order; every deployment has one row per stage. */
export const PIPELINE = [
  { name: "connect", title: "Connect and read the host's facts" },
  { name: "preflight", title: "Preflight: fit, port, folder and settings" },
  { name: "prerequisites", title: "System prerequisites" },
  { name: "install-runtime", title: "Install the vLLM runtime" },
  { name: "fetch-model", title: "Fetch the model" },
  { name: "configure-service", title: "Configure the service" },
  { name: "start", title: "Start vLLM" },
  { name: "wait-health", title: "Wait until /health answers" },
  { name: "sanity", title: "Sanity request" },
  { name: "running", title: "Running" },
] as const;

export type TPipelineStage = (typeof PIPELINE)[number]["name"];

export const PIPELINE_STAGES: readonly TPipelineStage[] = PIPELINE.map((s) => s.name);

export function isPipelineStage(name: string): name is TPipelineStage {
  return (PIPELINE_STAGES as readonly string[]).includes(name);
}
