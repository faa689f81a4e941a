import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { claimHost, endRun, lockHost, nextStartable } from "@/lib/deployments/host-slots";
import { requestDeploymentAction } from "@/lib/deployments/lifecycle";
import { databaseUrl } from "@/lib/env";
import { AppError } from "@/lib/errors";

// How a worker takes a host for a deployment, against the real PostgreSQL: in line (the oldest
// queued first), at most `deployConcurrency` deploying at once, each on a numbered place that the
// database lets one deployment hold. Rows only: no worker or SSH is involved; the rows go afterwards.
const hostIds: string[] = [];

afterAll(async () => {
  const mine = { hostId: { in: hostIds } };
  await db().deploymentAction.deleteMany({ where: mine });
  await db().deployment.deleteMany({ where: mine });
  await db().operation.deleteMany({ where: mine });
  await db().host.deleteMany({ where: { id: { in: hostIds } } });
  await disconnectDb();
});

async function hostWith(deployConcurrency: number, prefix = "slots") {
  const host = await db().host.create({
    data: {
      name: `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`,
      address: "127.0.0.1",
      port: 22,
      username: "deploy",
      authMethod: "key",
      deployConcurrency,
    },
  });
  hostIds.push(host.id);
  return host;
}

/** A deploying deployment ends (failed: no health probe picks the fixture row up). */
const finish = (operationId: string) =>
  db().deployment.update({ where: { operationId }, data: { status: "failed" } });

/** Queued deployments of a host, oldest first (a millisecond apart), as their operation ids. */
async function queued(hostId: string, n: number, dirId?: string): Promise<string[]> {
  const ids: string[] = [];
  const start = Date.now() - 60_000;
  for (let i = 0; i < n; i++) {
    const op = await db().operation.create({ data: { kind: "deploy", hostId } });
    await db().deployment.create({
      data: {
        hostId,
        operationId: op.id,
        spec: {},
        specHash: "x",
        modelName: `m${i}`,
        installMethod: "pip",
        dirId: dirId ?? `slot${i}${Math.random().toString(36).slice(2, 8)}`,
        createdAt: new Date(start + i),
      },
    });
    ids.push(op.id);
  }
  return ids;
}

const row = (operationId: string) =>
  db().deployment.findUniqueOrThrow({ where: { operationId }, select: { status: true, hostSlot: true } });

describe("host places", () => {
  it("takes deployments in line, as many at once as the host allows, and reuses a freed place", async () => {
    const host = await hostWith(2);
    const [d1, d2, d3, d4] = (await queued(host.id, 4)) as [string, string, string, string];
    expect(await nextStartable(host.id)).toBe(d1);

    // Not its turn: an older deployment of the host is still queued.
    expect(await claimHost(d2)).toBe(false);
    expect(await claimHost(d1)).toBe(true);
    expect(await claimHost(d2)).toBe(true);
    expect(await row(d1)).toEqual({ status: "deploying", hostSlot: 0 });
    expect(await row(d2)).toEqual({ status: "deploying", hostSlot: 1 });

    // Both places taken.
    expect(await nextStartable(host.id)).toBeNull();
    expect(await claimHost(d3)).toBe(false);
    expect(await row(d3)).toEqual({ status: "queued", hostSlot: null });

    // The first finishes: its place goes to the next in line, and only to it.
    await finish(d1);
    expect(await nextStartable(host.id)).toBe(d3);
    expect(await claimHost(d4)).toBe(false);
    expect(await claimHost(d3)).toBe(true);
    expect(await row(d3)).toEqual({ status: "deploying", hostSlot: 0 });
    expect(await claimHost(d4)).toBe(false);
  });

  it("a run's end frees its place and names the next in line, in one statement", async () => {
    const host = await hostWith(1);
    const [d1, d2] = (await queued(host.id, 2)) as [string, string];
    expect(await claimHost(d1)).toBe(true);
    const first = await db().deployment.findUniqueOrThrow({ where: { operationId: d1 } });

    expect(await endRun(first.id, "failed", "Install the runtime: no space left")).toBe(d2);
    const ended = await db().deployment.findUniqueOrThrow({ where: { id: first.id } });
    expect(ended).toMatchObject({ status: "failed", error: "Install the runtime: no space left" });
    expect(await claimHost(d2)).toBe(true);

    // Nothing behind it: no next.
    const second = await db().deployment.findUniqueOrThrow({ where: { operationId: d2 } });
    expect(await endRun(second.id, "running", null)).toBeNull();
    expect(await row(d2)).toMatchObject({ status: "running" });
  });

  it("a run's end names the next in its own folder (the place it frees is that folder's)", async () => {
    const host = await hostWith(2);
    const [d1, d2] = (await queued(host.id, 2, `end${Date.now()}`)) as [string, string];
    expect(await claimHost(d1)).toBe(true);
    const first = await db().deployment.findUniqueOrThrow({ where: { operationId: d1 } });
    expect(await nextStartable(host.id)).toBeNull();
    expect(await endRun(first.id, "cancelled", "Cancelled by an operator")).toBe(d2);
  });

  it("a run's end names no next while an action holds the host", async () => {
    const host = await hostWith(1);
    const [d1, d2] = (await queued(host.id, 2)) as [string, string];
    expect(await claimHost(d1)).toBe(true);
    const first = await db().deployment.findUniqueOrThrow({ where: { operationId: d1 } });
    const op = await db().operation.create({ data: { kind: "deployment_stop", hostId: host.id } });
    await db().deploymentAction.create({
      data: { deploymentId: first.id, hostId: host.id, operationId: op.id, active: true },
    });
    expect(await endRun(first.id, "failed", "Connect: refused")).toBeNull();
    expect(await row(d2)).toEqual({ status: "queued", hostSlot: null });
  });

  it("an action asked for on a host with a deployment in line is refused with that deployment named", async () => {
    // A host whose name holds "unique": the refusal is not mistaken for a unique-index violation
    // (which would read "another stop, start, restart or undeploy is running").
    const host = await hostWith(1, "unique");
    const [d1, d2] = (await queued(host.id, 2)) as [string, string];
    expect(await claimHost(d1)).toBe(true);
    const first = await db().deployment.findUniqueOrThrow({ where: { operationId: d1 } });
    await endRun(first.id, "running", null);
    const second = await db().deployment.findUniqueOrThrow({ where: { operationId: d2 } });
    const refused = await requestDeploymentAction(first.id, "stop").then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("conflict");
    expect((refused as AppError).message).toBe(
      `Deployment ${second.id} is queued on ${host.name}; one change per host at a time, so try again when it ends`,
    );
    expect(await db().deploymentAction.count({ where: { hostId: host.id } })).toBe(0);
  });

  it("a lowered setting holds new deployments back until fewer than it are deploying", async () => {
    const host = await hostWith(3);
    const [d1, d2, d3, d4] = (await queued(host.id, 4)) as [string, string, string, string];
    for (const d of [d1, d2, d3]) expect(await claimHost(d)).toBe(true);
    await db().host.update({ where: { id: host.id }, data: { deployConcurrency: 1 } });
    // Place 0 frees, but two are still deploying on a host that now allows one.
    await finish(d1);
    expect(await nextStartable(host.id)).toBeNull();
    expect(await claimHost(d4)).toBe(false);
    for (const d of [d2, d3]) await finish(d);
    expect(await nextStartable(host.id)).toBe(d4);
    expect(await claimHost(d4)).toBe(true);
  });

  it("never runs two pipelines in one folder (a redeploy reuses its original's), places or not", async () => {
    const host = await hostWith(2);
    const [d1, d2] = (await queued(host.id, 2, `same${Date.now()}`)) as [string, string];
    expect(await claimHost(d1)).toBe(true);
    // A place is free, but not for this folder: a wake-up leaves the job waiting (no busy loop).
    expect(await nextStartable(host.id)).toBeNull();
    expect(await claimHost(d2)).toBe(false);
    await finish(d1);
    expect(await nextStartable(host.id)).toBe(d2);
    expect(await claimHost(d2)).toBe(true);
  });

  it("an action running on the host holds every deployment back", async () => {
    const host = await hostWith(3);
    const [d1] = (await queued(host.id, 1)) as [string];
    const other = await hostWith(1);
    const [o1] = (await queued(other.id, 1)) as [string];
    expect(await claimHost(o1)).toBe(true);
    const dep = await db().deployment.findUniqueOrThrow({ where: { operationId: o1 } });
    const op = await db().operation.create({ data: { kind: "deployment_restart", hostId: host.id } });
    await db().deploymentAction.create({
      data: { deploymentId: dep.id, hostId: host.id, operationId: op.id, active: true },
    });
    expect(await nextStartable(host.id)).toBeNull();
    expect(await claimHost(d1)).toBe(false);
    await db().deploymentAction.updateMany({ where: { operationId: op.id }, data: { active: false } });
    expect(await claimHost(d1)).toBe(true);
  });

  it("many workers claiming at the same instant: each deployment is taken once, never beyond the host's places", async () => {
    const host = await hostWith(1);
    const [d1, d2] = (await queued(host.id, 2)) as [string, string];
    // The same deployment's job handed to several workers at once, and the next one in line racing them.
    const results = await Promise.all([d1, d1, d1, d1, d2, d2].map((id) => claimHost(id)));
    expect(results.slice(0, 4).filter(Boolean)).toHaveLength(1);
    expect(results.slice(4).some(Boolean)).toBe(false);
    const deploying = await db().deployment.count({ where: { hostId: host.id, status: "deploying" } });
    expect(deploying).toBe(1);
  });

  it("a claim waits while an action's start holds the host, and then sees the action", async () => {
    const host = await hostWith(2);
    const [d1] = (await queued(host.id, 1)) as [string];
    const other = await hostWith(1);
    const [o1] = (await queued(other.id, 1)) as [string];
    expect(await claimHost(o1)).toBe(true);
    const dep = await db().deployment.findUniqueOrThrow({ where: { operationId: o1 } });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    // An action being started: the host's lock, then its row, committed only when released.
    const starting = db().$transaction(
      async (tx) => {
        await lockHost(tx, host.id);
        locked();
        await released;
        const op = await tx.operation.create({ data: { kind: "deployment_stop", hostId: host.id } });
        await tx.deploymentAction.create({
          data: { deploymentId: dep.id, hostId: host.id, operationId: op.id, active: true },
        });
      },
      { timeout: 10_000 },
    );
    await holding;
    let settled = false;
    const claim = claimHost(d1).finally(() => {
      settled = true;
    });
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(settled).toBe(false);
    } finally {
      release();
      await starting;
    }
    expect(await claim).toBe(false);
    expect(await row(d1)).toEqual({ status: "queued", hostSlot: null });
  });

  it("the queue's functions store their times in UTC whatever the session's time zone", async () => {
    // A session 13 h 45 min ahead of UTC: a time taken without AT TIME ZONE 'UTC' would be that far off.
    const client = new pg.Client({ connectionString: databaseUrl(), options: "-c TimeZone=Pacific/Chatham" });
    await client.connect();
    try {
      const host = await hostWith(1);
      const [d1] = (await queued(host.id, 1)) as [string];
      const claimed = await client.query("SELECT webops_claim_host($1) AS claimed", [d1]);
      expect(claimed.rows[0]).toEqual({ claimed: true });
      const first = await db().deployment.findUniqueOrThrow({ where: { operationId: d1 } });
      expect(Math.abs((first.startedAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
      await client.query(`SELECT webops_end_run($1, 'failed', 'Connect: refused')`, [first.id]);
      const ended = await db().deployment.findUniqueOrThrow({ where: { id: first.id } });
      expect(ended.status).toBe("failed");
      expect(Math.abs((ended.finishedAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    } finally {
      await client.end();
    }
  });

  it("a run's end that waits for the host's lock sees what committed meanwhile (a cancelled head of the line)", async () => {
    const host = await hostWith(1);
    const [d1, d2, d3] = (await queued(host.id, 3)) as [string, string, string];
    expect(await claimHost(d1)).toBe(true);
    const first = await db().deployment.findUniqueOrThrow({ where: { operationId: d1 } });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    // Another holder of the host's lock (an action being started) while the run ends.
    const holder = db().$transaction(
      async (tx) => {
        await lockHost(tx, host.id);
        locked();
        await released;
      },
      { timeout: 10_000 },
    );
    await holding;
    let settled = false;
    const end = endRun(first.id, "running", null).finally(() => {
      settled = true;
    });
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(settled).toBe(false);
      // The head of the line is cancelled while the end waits: the end's look must see it.
      await db().deployment.update({ where: { operationId: d2 }, data: { status: "cancelled" } });
    } finally {
      release();
      await holder;
    }
    expect(await end).toBe(d3);
    expect(await nextStartable(host.id)).toBe(d3);
  });

  it("a run's end for a deployment that is gone is an error, not a silent no-op", async () => {
    await expect(endRun("no-such-deployment", "failed", "Connect: refused")).rejects.toThrow(
      /Deployment no-such-deployment is gone/,
    );
  });

  it("the database refuses a second deployment on a taken place, and a deploying one without a place", async () => {
    const host = await hostWith(1);
    const [d1, d2] = (await queued(host.id, 2)) as [string, string];
    expect(await claimHost(d1)).toBe(true);
    await expect(
      db().deployment.update({ where: { operationId: d2 }, data: { status: "deploying", hostSlot: 0 } }),
    ).rejects.toThrow();
    await expect(
      db().deployment.update({ where: { operationId: d2 }, data: { status: "deploying", hostSlot: null } }),
    ).rejects.toThrow();
    await expect(
      db().host.update({ where: { id: host.id }, data: { deployConcurrency: 0 } }),
    ).rejects.toThrow();
    expect(await row(d2)).toEqual({ status: "queued", hostSlot: null });
  });
});
