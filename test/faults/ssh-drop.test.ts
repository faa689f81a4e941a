import { afterAll, beforeAll, expect, it } from "vitest";
import { ended, storedLog, waitFor } from "../support/deployments";
import { afterCase, deploymentInInstall, faultBed, type TFaultBed } from "./support";

// Fault 4: the SSH connection dies mid-stage (every process of the host but its listening sshd is
// killed, as a restart of sshd drops its sessions). The stage fails with a clear error within its
// timeout; nothing is left running on the host.
let bed: TFaultBed;

beforeAll(async () => {
  bed = await faultBed("fault-ssh");
}, 120_000);

afterAll(async () => {
  await bed?.stop();
});

it("a dropped SSH connection during install fails the stage with a clear error", async () => {
  const { id, operationId } = await deploymentInInstall(bed);
  const droppedAt = Date.now();
  await bed.host.killConnections();
  bed.index.slowDownloadMs = 0;
  const dep = await waitFor(id, ended, 120_000);
  const tookMs = Date.now() - droppedAt;
  if (dep.status === "failed") {
    expect(dep.error).toMatch(/connection|SSH|closed|lost|signal/i);
    expect(dep.stages.find((s) => s.name === "install-runtime")?.status).toBe("failed");
  } else expect(dep.status).toBe("running");
  const lines = await storedLog(operationId);
  expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
  console.info(`ssh drop: ${dep.status} after ${tookMs} ms${dep.error ? `: ${dep.error}` : ""}`);
  await afterCase(bed);
}, 240_000);
