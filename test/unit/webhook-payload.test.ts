import { describe, expect, it } from "vitest";
import { genericPayload, slackPayload, type TEventSubject, testPayload } from "@/lib/webhooks/payload";
import { ZWebhookInputSchema, ZWebhookUpdateSchema } from "@/lib/webhooks/schema";
import { verifyWebhookSignature, webhookSignature } from "@/lib/webhooks/sign";

const subject: TEventSubject = {
  deployment: {
    id: "dep1",
    status: "running",
    model: "org/model-<7b>",
    endpoint: "http://127.0.0.1:8000/v1",
  },
  host: { id: "h1", name: "gpu-1", address: "10.0.0.5" },
  link: "http://panel.example/deployments/dep1",
};
const at = new Date("2026-12-01T10:00:00Z");

describe("generic payloads", () => {
  it("name the host, model, status, reason and the link", () => {
    const p = genericPayload(
      { type: "deployment.failed", deploymentId: "dep1", reason: "Start: exited 1" },
      subject,
      at,
    );
    expect(p).toMatchObject({
      event: "deployment.failed",
      occurredAt: "2026-12-01T10:00:00.000Z",
      reason: "Start: exited 1",
      host: { name: "gpu-1", address: "10.0.0.5" },
      deployment: { id: "dep1", model: "org/model-<7b>", status: "running" },
      link: "http://panel.example/deployments/dep1",
    });
    expect(p.summary).toBe("org/model-<7b> on gpu-1 failed");
    expect(p.health).toBeUndefined();
  });

  it("carry from and to for a health change, and no reason for running", () => {
    const h = genericPayload(
      {
        type: "deployment.health_changed",
        deploymentId: "dep1",
        from: "healthy",
        to: "down",
        reason: "refused",
      },
      subject,
      at,
    );
    expect(h.health).toEqual({ from: "healthy", to: "down" });
    expect(h.summary).toBe("org/model-<7b> on gpu-1 is down (was healthy)");
    expect(
      genericPayload({ type: "deployment.running", deploymentId: "dep1" }, subject, at).reason,
    ).toBeNull();
  });
});

describe("Slack-compatible payloads", () => {
  it("are {text, blocks} with mrkdwn escaped and the link in Slack's <url|label> form", () => {
    const s = slackPayload(
      genericPayload(
        { type: "deployment.blocked", deploymentId: "dep1", reason: "no sudo & no <pip>" },
        subject,
        at,
      ),
    );
    expect(s.text).toBe(":warning: org/model-<7b> on gpu-1 is blocked: no sudo & no <pip>");
    const json = JSON.stringify(s.blocks);
    expect(json).toContain("org/model-&lt;7b&gt;");
    expect(json).toContain("no sudo &amp; no &lt;pip&gt;");
    expect(json).toContain("<http://panel.example/deployments/dep1|Open in WebOps>");
    expect(json).toContain("gpu-1 (10.0.0.5)");
    expect(s.blocks.every((b) => typeof (b as { type?: unknown }).type === "string")).toBe(true);
  });

  it("colour a health change by where it went", () => {
    const down = slackPayload(
      genericPayload(
        { type: "deployment.health_changed", deploymentId: "d", from: "healthy", to: "down", reason: null },
        subject,
        at,
      ),
    );
    expect(down.text.startsWith(":red_circle:")).toBe(true);
    expect(slackPayload(testPayload("ops", "http://x/settings/webhooks", at)).text).toContain(
      "Test delivery",
    );
  });
});

describe("signatures", () => {
  it("are HMAC-SHA256 over timestamp.body, and a changed body, timestamp or secret fails", () => {
    const body = JSON.stringify({ a: 1 });
    const sig = webhookSignature("s3cret-value", 1700000000, body);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature("s3cret-value", 1700000000, body, sig)).toBe(true);
    expect(verifyWebhookSignature("s3cret-value", 1700000001, body, sig)).toBe(false);
    expect(verifyWebhookSignature("s3cret-value", 1700000000, `${body} `, sig)).toBe(false);
    expect(verifyWebhookSignature("other-secret", 1700000000, body, sig)).toBe(false);
    expect(verifyWebhookSignature("s3cret-value", 1700000000, body, "sha256=00")).toBe(false);
  });
});

describe("webhook input", () => {
  it("accepts http(s) URLs and known events, dropping repeats", () => {
    const ok = ZWebhookInputSchema.parse({
      name: " ops ",
      url: "https://hooks.example/x",
      events: ["deployment.failed", "deployment.failed"],
    });
    expect(ok).toMatchObject({ name: "ops", kind: "generic", enabled: true, events: ["deployment.failed"] });
  });

  it("refuses other schemes, unknown events, no events and a short secret", () => {
    const bad = (input: object) =>
      ZWebhookInputSchema.safeParse({
        name: "x",
        url: "https://a.b/",
        events: ["deployment.running"],
        ...input,
      });
    expect(bad({ url: "ftp://a.b/" }).success).toBe(false);
    expect(bad({ url: "file:///etc/passwd" }).success).toBe(false);
    expect(bad({ events: ["deployment.deleted"] }).success).toBe(false);
    expect(bad({ events: [] }).success).toBe(false);
    expect(bad({ secret: "short" }).success).toBe(false);
    expect(bad({ kind: "teams" }).success).toBe(false);
  });

  it("lets an edit remove the secret with null and keep it by leaving it out", () => {
    expect(ZWebhookUpdateSchema.parse({ secret: null })).toEqual({ secret: null });
    expect(ZWebhookUpdateSchema.parse({ enabled: false })).toEqual({ enabled: false });
  });
});
