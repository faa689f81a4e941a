import { afterAll, beforeAll, expect, it } from "vitest";
import { db } from "@/lib/db";
import { testUrl } from "../setup/system-config";
import { accountFromEnv, anonymousFetch } from "../support/accounts";
import { ended, fixturePipSpec, freePort, waitFor } from "../support/deployments";
import { afterCase, faultBed, type TFaultBed } from "./support";

// Fault 6: two operators press Deploy for the same host at the same moment. Both are recorded; exactly
// one deploys at a time (sampled throughout), the other waits in the queue, then runs; both end.
let bed: TFaultBed;

beforeAll(async () => {
  bed = await faultBed("fault-race");
}, 120_000);

afterAll(async () => {
  await bed?.stop();
});

it("two Deploy presses for one host at the same moment: exactly one deploys at a time", async () => {
  // Two operators: the test operator and a second one made for this case.
  const email = `second-operator-${Date.now()}@test.webops`;
  const made = await anonymousFetch(testUrl("/api/users"), {
    method: "POST",
    headers: { authorization: `Bearer ${accountFromEnv("admin").token}`, "content-type": "application/json" },
    body: JSON.stringify({ email, role: "operator", password: "correct horse battery staple" }),
  });
  expect(made.status).toBe(201);
  const signIn = await anonymousFetch(testUrl("/api/auth/sign-in"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery staple" }),
  });
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const [p1, p2] = [await freePort(), await freePort()];
  const press = (headers: Record<string, string>, port: number) =>
    anonymousFetch(testUrl("/api/deployments"), {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", origin: testUrl("") },
      body: JSON.stringify({ spec: fixturePipSpec(bed.hostId, bed.index, port) }),
    });
  const [a, b] = await Promise.all([
    press({ authorization: `Bearer ${accountFromEnv("operator").token}` }, p1),
    press({ cookie }, p2),
  ]);
  expect([a.status, b.status]).toEqual([201, 201]);
  const ids = [((await a.json()) as { id: string }).id, ((await b.json()) as { id: string }).id];

  let most = 0;
  let sawWaiting = false;
  const deadline = Date.now() + 240_000;
  for (;;) {
    const rows = await db().deployment.findMany({ where: { id: { in: ids } }, select: { status: true } });
    most = Math.max(most, rows.filter((r) => r.status === "deploying").length);
    if (rows.some((r) => r.status === "deploying") && rows.some((r) => r.status === "queued"))
      sawWaiting = true;
    if (rows.every((r) => !["queued", "deploying"].includes(r.status))) break;
    if (Date.now() > deadline) throw new Error(`still going: ${rows.map((r) => r.status).join(", ")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(most).toBe(1);
  expect(sawWaiting).toBe(true);
  const [first, second] = await Promise.all(ids.map((id) => waitFor(id, ended, 10_000)));
  expect(first?.status, first?.error ?? "").toBe("running");
  expect(second?.status, second?.error ?? "").toBe("running");
  const by = await db().deployment.findMany({ where: { id: { in: ids } }, select: { createdBy: true } });
  expect(by.map((r) => r.createdBy).sort()).toEqual(["operator@test.webops", email].sort());
  await afterCase(bed);
}, 300_000);
