import type { HostFacts } from "../hosts/facts/schema";
import type { RemoteCommand } from "../ssh/command";

export type TStage =
  | "preflight"
  | "install-runtime"
  | "fetch-model"
  | "configure-service"
  | "start"
  | "wait-health"
  | "sanity";

export interface TStep {
  stage: TStage;
  /** What it does, in the operator's words. */
  title: string;
  command: RemoteCommand;
}

/** The host facts the commands depend on. */
export type TStepFacts = Pick<HostFacts, "gpus" | "systemd" | "memoryKiB" | "cpuCount">;
