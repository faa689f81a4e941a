"use client";

import { useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { describedBy, Field } from "@/components/ui/field";
import { type TWebhookEventName, WEBHOOK_EVENT_TITLES, WEBHOOK_EVENTS } from "@/lib/webhooks/events";

const input =
  "rounded-md border border-slate-300 px-2.5 py-1.5 text-sm shadow-sm focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500";

/** Adds an outgoing webhook; the fields match ZWebhookInputSchema and the server's messages land on them. */
export function WebhookForm({ onSaved }: { onSaved: () => void }) {
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [kind, setKind] = useState<"generic" | "slack">("generic");
  const [events, setEvents] = useState<TWebhookEventName[]>([...WEBHOOK_EVENTS]);
  const [secret, setSecret] = useState("");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    const res = await fetch("/api/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, url, kind, events, ...(secret && kind === "generic" ? { secret } : {}) }),
    }).catch(() => null);
    setBusy(false);
    if (!res) return setError("Could not reach the WebOps server. Check your connection and try again.");
    const body = (await res.json().catch(() => ({}))) as { error?: string; fields?: Record<string, string> };
    if (!res.ok) {
      setFields(body.fields ?? {});
      setError(body.error ?? `The server answered ${res.status}`);
      return;
    }
    setName("");
    setUrl("");
    setSecret("");
    onSaved();
  }

  return (
    <form
      onSubmit={(e) => void submit(e)}
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4"
      data-testid="webhook-form"
    >
      <h2 className="text-sm font-semibold text-slate-700">Add a webhook</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Name" name="name" error={fields.name}>
          <input
            id="name"
            className={input}
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-describedby={describedBy("name", fields.name)}
          />
        </Field>
        <Field label="URL" name="url" error={fields.url} hint="Where WebOps POSTs the events">
          <input
            id="url"
            className={input}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://hooks.example.com/webops"
            aria-describedby={describedBy("url", fields.url, true)}
          />
        </Field>
        <Field label="Format" name="kind" error={fields.kind}>
          <select
            id="kind"
            className={input}
            value={kind}
            onChange={(e) => setKind(e.target.value as "generic" | "slack")}
          >
            <option value="generic">Generic JSON (signed when a secret is set)</option>
            <option value="slack">Slack-compatible ({"{text, blocks}"})</option>
          </select>
        </Field>
        {kind === "generic" && (
          <Field
            label="Signing secret (optional)"
            name="secret"
            error={fields.secret}
            hint="HMAC-SHA256 in X-WebOps-Signature; stored sealed and never shown again"
          >
            <input
              id="secret"
              type="password"
              autoComplete="new-password"
              className={input}
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              aria-describedby={describedBy("secret", fields.secret, true)}
            />
          </Field>
        )}
      </div>
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="mb-1 text-sm font-medium text-slate-700">Events</legend>
        {WEBHOOK_EVENTS.map((ev) => (
          <label key={ev} className="flex items-center gap-1.5">
            <input
              type="checkbox"
              checked={events.includes(ev)}
              onChange={(e) => setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))}
            />
            {WEBHOOK_EVENT_TITLES[ev]}
          </label>
        ))}
        {fields.events && <p className="w-full text-xs text-rose-600">{fields.events}</p>}
      </fieldset>
      {error && (
        <p className="text-sm text-rose-700" role="alert">
          {error}
        </p>
      )}
      <div>
        <button type="submit" className={buttonClass.primary} disabled={busy} data-testid="webhook-save">
          {busy ? "Saving…" : "Add webhook"}
        </button>
      </div>
    </form>
  );
}
