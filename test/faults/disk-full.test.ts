import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createViaApi, ended, fixturePipSpec, freePort, ownerIds, waitFor } from "../support/deployments";
import { afterCase, faultBed, type TFaultBed } from "./support";

// Fault 5: the host's disk is full where the deployment installs: a 2 MiB file system (tmpfs with a
// size limit, standing in for a small loop-mounted disk) mounted over the deployment path. The
// install fails with an error that names the cause.
let bed: TFaultBed;
let mountPoint = "";

beforeAll(async () => {
  bed = await faultBed("fault-disk");
  mountPoint = join(bed.host.rootDir, "home", bed.host.user, "webops");
  mkdirSync(mountPoint, { recursive: true });
  const [uid, gid] = await ownerIds(bed.host);
  execFileSync("mount", [
    "-t",
    "tmpfs",
    "-o",
    `size=2m,mode=0755,uid=${uid},gid=${gid}`,
    "webops-full",
    mountPoint,
  ]);
}, 120_000);

afterAll(async () => {
  if (mountPoint) execFileSync("umount", ["-l", mountPoint], { stdio: "ignore" });
  await bed?.stop();
});

it("a full disk during install fails with an error naming the cause", async () => {
  const { id } = await createViaApi(fixturePipSpec(bed.hostId, bed.index, await freePort()), true);
  const dep = await waitFor(id, ended, 180_000);
  expect(dep.status).toBe("failed");
  expect(dep.error).toMatch(/disk is full \(No space left on device\)/);
  expect(dep.error).toContain("~/webops");
  console.info(`disk full: ${dep.error}`);
  await afterCase(bed);
}, 240_000);
