import type { TDeploymentSpec } from "./schema";

export type TDeploymentStatus =
  | "queued"
  | "deploying"
  | "running"
  | "failed"
  | "cancelled"
  | "blocked"
  | "stopped";
export type TStageStatus = "pending" | "running" | "succeeded" | "failed" | "skipped" | "cancelled";

export interface TStageView {
  name: string;
  title: string;
  status: TStageStatus;
  startedAt: string | null;
  finishedAt: string | null;
  detail: string | null;
}

/** What every page and endpoint shows of a deployment; never a secret, only whether one is set. */
export interface TDeploymentView {
  id: string;
  operationId: string;
  status: TDeploymentStatus;
  stage: string | null;
  error: string | null;
  host: { id: string; name: string; address: string };
  modelName: string;
  installMethod: string;
  spec: TDeploymentSpec;
  secrets: { apiKey: boolean; hfToken: boolean };
  dirId: string;
  redeployOfId: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelRequested: boolean;
  result: {
    sanity?: { model: string; answer: string; tokens: number | null; at: string };
    endpoint?: string;
  } | null;
  stages: TStageView[];
  /** While queued: its place in the host's line (1 = next) and what deploys there now. */
  queue: { position: number; deployingId: string | null } | null;
}

export function isActiveDeployment(status: TDeploymentStatus): boolean {
  return status === "queued" || status === "deploying";
}
