import { db } from "../db";
import type { SshConnection } from "../ssh";
import { killStageGroupCommand } from "./pipeline";

const CANCEL_POLL_MS = 1000;

/** Thrown between and after a stage's commands once an operator asked to cancel. */
export class Cancelled extends Error {}

export interface TCancelWatch {
  /** Throws Cancelled once an operator asked to cancel. */
  check(): void;
  stop(): void;
}

/** Polls for a cancel request; when one comes, stops the stage's remote process group at once. */
export function watchForCancel(deploymentId: string, conn: SshConnection, dirId: string): TCancelWatch {
  let requested = false;
  let stopped = false;
  const timer = setInterval(async () => {
    if (requested || stopped) return;
    const row = await db()
      .deployment.findUnique({ where: { id: deploymentId }, select: { cancelRequestedAt: true } })
      .catch(() => null);
    if (!row?.cancelRequestedAt || stopped) return;
    requested = true;
    await conn.exec(killStageGroupCommand(dirId), () => {}).catch(() => undefined);
  }, CANCEL_POLL_MS);
  return {
    check() {
      if (requested) throw new Cancelled("Cancelled by an operator");
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
