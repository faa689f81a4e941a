import type { TLogLine, TOperationStatus } from "../logs/line";

export type TOperationKind = "host_check";

export interface TOperationView {
  id: string;
  kind: TOperationKind;
  status: TOperationStatus;
  error: string | null;
  lineCount: number;
  host: { id: string; name: string; address: string; port: number; username: string };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type { TLogLine };
