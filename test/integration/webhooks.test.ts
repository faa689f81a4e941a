import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { verifyWebhookSignature } from "@/lib/webhooks/sign";
import { api, freePort } from "../support/deployments";

// Outgoing webhooks through the real web app, worker (BullMQ delivery with retries), PostgreSQL and
// Redis, to a receiver this test runs on 127.0.0.1. The worker retries after 0.2, 0.4, 0.8 s here.
process.env.WEBOPS_WEBHOOK_BACKOFF_MS ??= "200";
process.env.WEBOPS_WEBHOOK_ATTEMPTS ??= "4";

type TReceived = { path: string; headers: IncomingHttpHeaders; body: string };
let server: Server;
let base = "";
const received: TReceived[] = [];
/** Answers per path, in order; the last one repeats. */
const script = new Map<string, number[]>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body });
      const answers = script.get(path) ?? [200];
      const code = answers.length > 1 ? (answers.shift() as number) : (answers[0] ?? 200);
      res.writeHead(code, { "content-type": "text/plain" }).end(code === 200 ? "ok" : `nope ${code}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

type TWebhook = { id: string; name: string; hasSecret: boolean; kind: string; enabled: boolean };
type TDelivery = {
  id: string;
  status: string;
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  event: string;
};

let counter = 0;
async function addWebhook(input: Record<string, unknown>) {
  counter += 1;
  const res = await api<{ webhook: TWebhook }>("/api/webhooks", {
    method: "POST",
    body: {
      name: `hook-${process.pid}-${counter}`,
      events: ["deployment.health_changed"],
      ...input,
    },
  });
  expect(res.status, res.body.error).toBe(201);
  return res.body.webhook;
}

async function deliveryEnded(id: string, timeoutMs = 30_000): Promise<TDelivery> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db().webhookDelivery.findUniqueOrThrow({ where: { id } });
    if (row.status !== "pending") return row as unknown as TDelivery;
    if (Date.now() > deadline) throw new Error(`delivery ${id} still pending after ${row.attempts} attempts`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const receivedAt = (path: string) => received.filter((r) => r.path === path);

describe("webhook endpoints API", () => {
  it("stores the signing secret sealed and never returns it", async () => {
    const secret = "a-signing-secret-1234";
    const hook = await addWebhook({ url: `${base}/crud`, secret });
    expect(hook.hasSecret).toBe(true);
    const list = await api<{ webhooks: Record<string, unknown>[] }>("/api/webhooks");
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(secret);
    expect(text).not.toContain("secretSealed");
    const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: hook.id } });
    expect(row.secretSealed).toBeTruthy();
    expect(row.secretSealed).not.toContain(secret);
    const cleared = await api<{ webhook: TWebhook }>(`/api/webhooks/${hook.id}`, {
      method: "PATCH",
      body: { secret: null },
    });
    expect(cleared.body.webhook).toMatchObject({ hasSecret: false, kind: "generic", enabled: true });
  });

  it("answers 400 with the field for bad input, 409 for a taken name, 404 for an unknown id; nothing is stored", async () => {
    const before = await db().webhookEndpoint.count();
    const scheme = await api("/api/webhooks", {
      method: "POST",
      body: { name: "x", url: "ftp://127.0.0.1/", events: ["deployment.failed"] },
    });
    expect(scheme.status).toBe(400);
    expect(scheme.body.fields?.url).toMatch(/http/);
    const events = await api("/api/webhooks", {
      method: "POST",
      body: { name: "x", url: `${base}/x`, events: ["deployment.exploded"] },
    });
    expect(events.status).toBe(400);
    expect(Object.keys(events.body.fields ?? {}).join()).toMatch(/events/);
    const hook = await addWebhook({ url: `${base}/dup` });
    const dup = await api("/api/webhooks", {
      method: "POST",
      body: { name: hook.name, url: `${base}/dup`, events: ["deployment.failed"] },
    });
    expect(dup.status).toBe(409);
    expect((await api("/api/webhooks/nope/test", { method: "POST" })).status).toBe(404);
    expect(await db().webhookEndpoint.count()).toBe(before + 1);
  });
});

describe("deliveries", () => {
  it("retry a 500 until the receiver accepts, signed with HMAC-SHA256 over timestamp.body", async () => {
    const secret = "retry-secret-5678";
    const hook = await addWebhook({ url: `${base}/retry`, secret });
    script.set("/retry", [500, 500, 200]);
    const sent = await api<{ deliveryId: string }>(`/api/webhooks/${hook.id}/test`, { method: "POST" });
    expect(sent.status).toBe(202);
    const delivery = await deliveryEnded(sent.body.deliveryId);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3, responseCode: 200 });
    // This delivery's requests: the endpoint also hears health changes of deployments that other test
    // files left behind, which are deliveries of their own.
    const requests = receivedAt("/retry").filter((r) => r.headers["x-webops-delivery"] === delivery.id);
    expect(requests).toHaveLength(3);
    for (const r of requests) {
      const ts = Number(r.headers["x-webops-timestamp"]);
      expect(verifyWebhookSignature(secret, ts, r.body, String(r.headers["x-webops-signature"]))).toBe(true);
      expect(
        verifyWebhookSignature("wrong-secret-000", ts, r.body, String(r.headers["x-webops-signature"])),
      ).toBe(false);
      expect(r.headers["x-webops-event"]).toBe("webhook.test");
      expect(r.headers["x-webops-delivery"]).toBe(delivery.id);
    }
    expect(JSON.parse(requests[0]?.body ?? "{}")).toMatchObject({ event: "webhook.test" });
    const log = await api<{ deliveries: TDelivery[] }>(`/api/webhooks/${hook.id}/deliveries`);
    expect(log.body.deliveries[0]).toMatchObject({ id: delivery.id, status: "delivered", attempts: 3 });
  });

  it("give up after the last attempt, and at once on a 4xx; the log says why", async () => {
    const down = await addWebhook({ url: `${base}/down` });
    script.set("/down", [503]);
    const a = await api<{ deliveryId: string }>(`/api/webhooks/${down.id}/test`, { method: "POST" });
    const failed = await deliveryEnded(a.body.deliveryId);
    expect(failed).toMatchObject({ status: "failed", attempts: 4, responseCode: 503 });
    expect(failed.lastError).toMatch(/HTTP 503: nope 503/);

    const gone = await addWebhook({ url: `${base}/gone` });
    script.set("/gone", [404]);
    const b = await api<{ deliveryId: string }>(`/api/webhooks/${gone.id}/test`, { method: "POST" });
    expect(await deliveryEnded(b.body.deliveryId)).toMatchObject({
      status: "failed",
      attempts: 1,
      responseCode: 404,
    });

    const closed = await addWebhook({ url: `http://127.0.0.1:${await freePort()}/closed` });
    const c = await api<{ deliveryId: string }>(`/api/webhooks/${closed.id}/test`, { method: "POST" });
    const refused = await deliveryEnded(c.body.deliveryId);
    expect(refused).toMatchObject({ status: "failed", attempts: 4, responseCode: null });
    expect(refused.lastError).toMatch(/Could not reach 127\.0\.0\.1:\d+: ECONNREFUSED/);
  });

  it("send a deployment event to subscribed, enabled endpoints: generic JSON and Slack's {text, blocks}, naming host, model, reason and link", async () => {
    const { notifyDeploymentEvent } = await import("@/lib/webhooks/notify");
    const host = await db().host.create({
      data: { name: `wh-host-${process.pid}`, address: "127.0.1.77", username: "deploy", authMethod: "key" },
    });
    const op = await db().operation.create({ data: { kind: "deploy", hostId: host.id, status: "failed" } });
    const dep = await db().deployment.create({
      data: {
        hostId: host.id,
        operationId: op.id,
        status: "failed",
        spec: {},
        specHash: "x",
        modelName: "org/tiny-model",
        installMethod: "pip",
        dirId: "whdir1",
        error: "Start: exited 1",
      },
    });
    const generic = await addWebhook({ url: `${base}/generic`, events: ["deployment.failed"] });
    const slack = await addWebhook({ url: `${base}/slack`, kind: "slack", events: ["deployment.failed"] });
    const other = await addWebhook({ url: `${base}/other`, events: ["deployment.running"] });
    const off = await addWebhook({ url: `${base}/off`, events: ["deployment.failed"], enabled: false });

    await notifyDeploymentEvent({
      type: "deployment.failed",
      deploymentId: dep.id,
      reason: "Start: exited 1",
    });
    const rows = await db().webhookDelivery.findMany({ where: { deploymentId: dep.id } });
    expect(rows.map((r) => r.endpointId).sort()).toEqual([generic.id, slack.id].sort());
    for (const r of rows) expect((await deliveryEnded(r.id)).status).toBe("delivered");
    expect(receivedAt("/other")).toHaveLength(0);
    expect(receivedAt("/off")).toHaveLength(0);
    expect(other.id && off.id).toBeTruthy();

    const g = JSON.parse(receivedAt("/generic")[0]?.body ?? "{}");
    expect(g).toMatchObject({
      event: "deployment.failed",
      reason: "Start: exited 1",
      host: { id: host.id, name: host.name, address: "127.0.1.77" },
      deployment: { id: dep.id, model: "org/tiny-model", status: "failed" },
    });
    expect(g.link).toMatch(new RegExp(`^https?://[^/]+/deployments/${dep.id}$`));
    expect(receivedAt("/generic")[0]?.headers["x-webops-signature"]).toBeUndefined();

    const s = JSON.parse(receivedAt("/slack")[0]?.body ?? "{}");
    expect(Object.keys(s).sort()).toEqual(["blocks", "text"]);
    expect(s.text).toBe(`:x: org/tiny-model on ${host.name} failed: Start: exited 1`);
    expect(Array.isArray(s.blocks)).toBe(true);
    expect(JSON.stringify(s.blocks)).toContain(`/deployments/${dep.id}|Open in WebOps>`);
    const all = await api<{ deliveries: TDelivery[] }>(`/api/webhooks/deliveries?endpointId=${slack.id}`);
    expect(all.body.deliveries).toHaveLength(1);
    expect((await api("/api/webhooks/deliveries?status=lost")).status).toBe(400);
  });
});
