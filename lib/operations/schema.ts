import type { TLogLine, TOperationStatus } from "../logs/line";

export type TOperationKind =
  | "host_check"
  | "prerequisites"
  | "deploy"
  | "load_test"
  | "deployment_stop"
  | "deployment_start"
  | "deployment_restart"
  | "deployment_undeploy";

export interface TOperationView {
  id: string;
  kind: TOperationKind;
  status: TOperationStatus;
  error: string | null;
  /** What was asked (e.g. {profile, mode}) and what came of it (facts, a prerequisites report). */
  params: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  lineCount: number;
  host: { id: string; name: string; address: string; port: number; username: string };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type { TLogLine };
