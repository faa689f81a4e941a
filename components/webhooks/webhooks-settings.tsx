"use client";

import { useCallback, useEffect, useState } from "react";
import { apiCall } from "@/components/ui/api-call";
import { buttonClass } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TDeliveryView } from "@/lib/webhooks/deliveries";
import type { TWebhookView } from "@/lib/webhooks/endpoints";
import { WEBHOOK_EVENT_TITLES } from "@/lib/webhooks/events";
import { WebhookForm } from "./webhook-form";

const STATUS_TONE: Record<TDeliveryView["status"], string> = {
  pending: "bg-amber-100 text-amber-800",
  delivered: "bg-emerald-100 text-emerald-800",
  failed: "bg-rose-100 text-rose-800",
};

/** The webhooks settings: the endpoints with test, enable and delete, the form, and the delivery log (refreshed every few seconds). */
export function WebhooksSettings({ initial }: { initial: TWebhookView[] }) {
  const [webhooks, setWebhooks] = useState(initial);
  const [deliveries, setDeliveries] = useState<TDeliveryView[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [w, d] = await Promise.all([
      apiCall<{ webhooks: TWebhookView[] }>("/api/webhooks", { method: "GET" }),
      apiCall<{ deliveries: TDeliveryView[] }>("/api/webhooks/deliveries?limit=50", { method: "GET" }),
    ]);
    if (w.ok) setWebhooks(w.body.webhooks);
    if (d.ok) setDeliveries(d.body.deliveries);
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [load]);

  async function act(url: string, method: string, body?: unknown, done?: string) {
    const res = await apiCall(url, { method, body });
    setMessage(res.ok ? (done ?? null) : res.error);
    await load();
  }

  return (
    <div className="grid gap-6">
      {message && (
        <p
          className="rounded-md bg-slate-100 p-2 text-sm text-slate-700"
          role="status"
          data-testid="webhook-message"
        >
          {message}
        </p>
      )}
      <section aria-label="Webhooks" className="rounded-lg border border-slate-200 bg-white">
        {webhooks.length === 0 ? (
          <p className="p-4 text-sm text-slate-500">
            No webhooks yet. Add one below to hear about deployments.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="webhook-list">
            {webhooks.map((w) => (
              <li key={w.id} className="flex flex-wrap items-center gap-3 p-3 text-sm">
                <div className="mr-auto min-w-0">
                  <p className="font-medium">
                    {w.name}{" "}
                    <span className="text-xs font-normal text-slate-500">
                      {w.kind === "slack" ? "Slack" : "JSON"}
                      {w.hasSecret ? " · signed" : ""}
                      {w.enabled ? "" : " · disabled"}
                    </span>
                  </p>
                  <p className="truncate font-mono text-xs text-slate-500">{w.url}</p>
                  <p className="text-xs text-slate-500">
                    {w.events.map((e) => WEBHOOK_EVENT_TITLES[e]).join(", ")}
                  </p>
                </div>
                <button
                  type="button"
                  className={buttonClass.secondary}
                  onClick={() =>
                    void act(
                      `/api/webhooks/${w.id}/test`,
                      "POST",
                      undefined,
                      `Test sent to ${w.name}; see the delivery log.`,
                    )
                  }
                  data-testid="webhook-test"
                >
                  Send test
                </button>
                <button
                  type="button"
                  className={buttonClass.secondary}
                  onClick={() => void act(`/api/webhooks/${w.id}`, "PATCH", { enabled: !w.enabled })}
                >
                  {w.enabled ? "Disable" : "Enable"}
                </button>
                <button
                  type="button"
                  className={buttonClass.dangerOutline}
                  onClick={() => {
                    if (window.confirm(`Delete the webhook "${w.name}" and its delivery log?`))
                      void act(`/api/webhooks/${w.id}`, "DELETE", undefined, `Deleted ${w.name}.`);
                  }}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <WebhookForm onSaved={() => void load()} />
      <section aria-label="Delivery log" className="rounded-lg border border-slate-200 bg-white">
        <h2 className="border-b border-slate-100 p-3 text-sm font-semibold text-slate-700">Delivery log</h2>
        {deliveries.length === 0 ? (
          <p className="p-3 text-sm text-slate-500">Nothing sent yet.</p>
        ) : (
          <table className="w-full text-left text-sm" data-testid="delivery-log">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className="p-2">When</th>
                <th className="p-2">Webhook</th>
                <th className="p-2">Event</th>
                <th className="p-2">Status</th>
                <th className="p-2">Attempts</th>
                <th className="p-2">Answer</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {deliveries.map((d) => (
                <tr
                  key={d.id}
                  className="cursor-pointer align-top hover:bg-slate-50"
                  onClick={() => setOpen(open === d.id ? null : d.id)}
                >
                  <td className="p-2 whitespace-nowrap">
                    <RelativeTime iso={d.createdAt} />
                  </td>
                  <td className="p-2">{d.endpointName}</td>
                  <td className="p-2 font-mono text-xs">{d.event}</td>
                  <td className="p-2">
                    <span className={`rounded px-1.5 py-0.5 text-xs ${STATUS_TONE[d.status]}`}>
                      {d.status}
                    </span>
                  </td>
                  <td className="p-2">{d.attempts}</td>
                  <td className="p-2 text-xs text-slate-600">
                    {d.responseCode !== null ? `HTTP ${d.responseCode}` : ""}
                    {d.lastError && d.status !== "delivered" ? (
                      <span className="block text-rose-700">{d.lastError}</span>
                    ) : null}
                    {open === d.id && (
                      <pre className="mt-2 max-h-64 overflow-auto rounded bg-slate-50 p-2 text-[11px] text-slate-700">
                        {JSON.stringify(d.payload, null, 2)}
                      </pre>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
