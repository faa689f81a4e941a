import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { ApiClient } from "../../scripts/cli/client";
import { followLog, type TFollowLine } from "../../scripts/cli/follow";
import { startPostgres, startRedis, stopPostgres, stopRedis } from "../../scripts/lib/services";
import { TEST_SYSTEM, testUrl } from "../setup/system-config";
import { accountFromEnv } from "../support/accounts";
import { ended, storedLog, waitFor } from "../support/deployments";
import { afterCase, deploymentInInstall, faultBed, type TFaultBed } from "./support";

// Faults 2 and 3: Redis, then PostgreSQL, restarted while a deployment installs and a viewer follows
// its log live. The workers and the viewer reconnect and the deployment completes; the lines
// buffered while PostgreSQL was away are written when it returns: none lost, none twice.
let bed: TFaultBed;

beforeAll(async () => {
  bed = await faultBed("fault-svc");
}, 120_000);

afterAll(async () => {
  await bed?.stop();
});

/** A live viewer that resumes after the last line it had (the CLI's follower). */
function follow(operationId: string): { lines: TFollowLine[]; done: Promise<void> } {
  const lines: TFollowLine[] = [];
  const api = new ApiClient(testUrl(""), accountFromEnv("viewer").token);
  return { lines, done: followLog(api, operationId, { line: (l) => lines.push(l) }) };
}

async function checkLog(operationId: string, viewer: TFollowLine[]): Promise<void> {
  const stored = await storedLog(operationId);
  expect(stored.map((l) => l.seq)).toEqual(stored.map((_, i) => i + 1));
  const op = await db().operation.findUniqueOrThrow({ where: { id: operationId } });
  expect(op.lineCount).toBe(stored.length);
  // The viewer saw every stored line once, in order, with the same text.
  expect(viewer.map((l) => l.seq)).toEqual(stored.map((l) => l.seq));
  expect(viewer.map((l) => l.text)).toEqual(stored.map((l) => l.text));
}

describe("services restarted mid-deployment", () => {
  it("Redis restarts during install: workers and the live log reconnect; the deployment ends cleanly", async () => {
    const { id, operationId } = await deploymentInInstall(bed);
    const viewer = follow(operationId);
    await new Promise((r) => setTimeout(r, 500));
    // The download goes on (a download held past pip's 15 s read timeout would fail on its own).
    bed.index.releaseDownloads();
    await stopRedis(TEST_SYSTEM.dataDir);
    await new Promise((r) => setTimeout(r, 2000));
    await startRedis(TEST_SYSTEM.dataDir, TEST_SYSTEM.redisPort);
    const dep = await waitFor(id, ended, 180_000);
    expect(dep.status, dep.error ?? "").toBe("running");
    await viewer.done;
    await checkLog(operationId, viewer.lines);
    console.info(`redis restart: deployment ${dep.status}${dep.error ? ` (${dep.error})` : ""}`);
    await afterCase(bed);
  }, 300_000);

  it("PostgreSQL restarts during install: buffered lines are written when it returns; none lost", async () => {
    const { id, operationId } = await deploymentInInstall(bed);
    const viewer = follow(operationId);
    await new Promise((r) => setTimeout(r, 500));
    // Output keeps coming while PostgreSQL is away: pip's progress and the worker's own lines.
    bed.index.releaseDownloads();
    stopPostgres(TEST_SYSTEM.dataDir);
    await new Promise((r) => setTimeout(r, 3000));
    await startPostgres(TEST_SYSTEM.dataDir, TEST_SYSTEM.postgresPort);
    const dep = await waitFor(id, ended, 180_000);
    expect(dep.status, dep.error ?? "").toBe("running");
    await viewer.done;
    await checkLog(operationId, viewer.lines);
    console.info(`postgres restart: deployment ${dep.status}${dep.error ? ` (${dep.error})` : ""}`);
    await afterCase(bed);
  }, 300_000);
});
