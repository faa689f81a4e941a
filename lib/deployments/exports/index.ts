// Exports of a deployment's configuration for running it without the panel: Docker Compose,
// Kubernetes (llm-d's shape) and the systemd unit. Pure functions: no I/O, no secrets in the output.
export { composeFile, type TComposeFile, type TComposeOptions } from "./compose";
export { kubernetesManifests, type TKubernetesExport, type TKubernetesOptions } from "./kubernetes";
export type { TKubernetesObject } from "./kubernetes-types";
export { systemdUnitExport, type TExportFile, type TSystemdExport, type TSystemdOptions } from "./systemd";
