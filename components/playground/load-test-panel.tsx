"use client";

import { useCallback, useState } from "react";
import { LiveLog } from "@/components/operations/live-log";
import { apiCall } from "@/components/ui/api-call";
import { buttonClass } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import {
  LOAD_TEST_LIMITS,
  type TLoadTestList,
  type TLoadTestView,
  ZLoadTestRequestSchema,
} from "@/lib/load-test/schema";
import { acceptanceSummary } from "./load-test-figures";
import { LoadTestHistory } from "./load-test-history";

type TForm = { requests: string; concurrency: string; promptWords: string; maxTokens: string };

const FIELDS: { name: keyof TForm; label: string; hint: string }[] = [
  {
    name: "requests",
    label: "Requests (N)",
    hint: `1 to ${LOAD_TEST_LIMITS.requests.toLocaleString("en-US")}`,
  },
  { name: "concurrency", label: "Concurrency (C)", hint: `1 to ${LOAD_TEST_LIMITS.concurrency}, at most N` },
  { name: "promptWords", label: "Prompt size (words)", hint: "about one token per word" },
  { name: "maxTokens", label: "Max output tokens", hint: `1 to ${LOAD_TEST_LIMITS.maxTokens}` },
];

/**
 * The load test: a form checked with the server's schema, the running test's live log, and the
 * history with the acceptance record (the newest passing test).
 */
export function LoadTestPanel({
  deploymentId,
  hostId,
  enabled,
  initial,
}: {
  deploymentId: string;
  hostId: string;
  enabled: boolean;
  initial: TLoadTestList;
}) {
  const [list, setList] = useState(initial);
  const [form, setForm] = useState<TForm>({
    requests: "100",
    concurrency: "8",
    promptWords: "200",
    maxTokens: "128",
  });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const running = list.items.find((t) => t.status === "queued" || t.status === "running");
  const [shown, setShown] = useState<TLoadTestView | null>(running ?? null);

  const reload = useCallback(async (): Promise<TLoadTestList | null> => {
    const res = await apiCall<TLoadTestList>(`/api/deployments/${deploymentId}/load-tests`, {
      method: "GET",
    });
    if (!res.ok) return null;
    setList(res.body);
    setShown((s) => (s ? (res.body.items.find((t) => t.id === s.id) ?? s) : s));
    return res.body;
  }, [deploymentId]);

  const start = async () => {
    const parsed = ZLoadTestRequestSchema.safeParse(
      Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.trim() === "" ? undefined : Number(v)])),
    );
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "form")] ??= issue.message;
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    setError(null);
    setBusy(true);
    const res = await apiCall<{ id: string; operationId: string }>(
      `/api/deployments/${deploymentId}/load-tests`,
      {
        method: "POST",
        body: parsed.data,
      },
    );
    setBusy(false);
    if (!res.ok) {
      setError(res.error);
      return;
    }
    const fresh = await reload();
    setShown(fresh?.items.find((t) => t.id === res.body.id) ?? null);
  };

  const acceptance = list.acceptance;
  return (
    <section
      className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4"
      data-testid="load-test-panel"
    >
      <div>
        <h2 className="text-lg font-semibold">Load test</h2>
        <p className="text-sm text-slate-500">
          N streamed chat completions, C at a time, each with a prompt of the chosen size; the worker measures
          latency, time to first token, output tokens per second and errors. The newest passing test is this
          deployment's acceptance record.
        </p>
      </div>
      <div
        className={`rounded-md px-3 py-2 text-sm ring-1 ring-inset ${acceptance ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-slate-50 text-slate-600 ring-slate-200"}`}
        data-testid="acceptance-record"
      >
        {acceptance ? (
          <>
            <span className="font-medium">Verified under expected load</span>
            {acceptance.finishedAt && (
              <>
                {" "}
                (<RelativeTime iso={acceptance.finishedAt} />)
              </>
            )}
            : {acceptanceSummary(acceptance)}.
          </>
        ) : (
          "Not yet verified under load: no load test of this deployment has passed."
        )}
      </div>
      <form
        className="grid gap-3 sm:grid-cols-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        {FIELDS.map((f) => (
          <Field key={f.name} label={f.label} name={f.name} hint={f.hint} error={fieldErrors[f.name]}>
            <input
              id={f.name}
              name={f.name}
              type="number"
              inputMode="numeric"
              className={inputClass}
              value={form[f.name]}
              disabled={!enabled}
              aria-invalid={fieldErrors[f.name] ? true : undefined}
              aria-describedby={describedBy(f.name, fieldErrors[f.name], f.hint)}
              onChange={(e) => setForm((x) => ({ ...x, [f.name]: e.target.value }))}
            />
          </Field>
        ))}
        <div className="flex items-center gap-3 sm:col-span-4">
          <button
            type="submit"
            className={buttonClass.primary}
            disabled={!enabled || busy || Boolean(running)}
            data-testid="load-test-start"
          >
            {running ? "A load test is running" : busy ? "Queueing…" : "Run load test"}
          </button>
          {!enabled && <span className="text-sm text-slate-500">The deployment is not running.</span>}
          {error && (
            <span className="text-sm text-rose-700" role="alert">
              {error}
            </span>
          )}
        </div>
      </form>
      {shown && (
        <div className="grid gap-2">
          <h3 className="text-sm font-medium text-slate-700">
            Log of the load test ({shown.requests} × {shown.concurrency})
          </h3>
          <LiveLog
            key={shown.operationId}
            operationId={shown.operationId}
            hostId={hostId}
            initialStatus={shown.status}
            initialError={shown.error}
            onStatus={(status) => {
              if (status !== "queued" && status !== "running") void reload();
            }}
          />
        </div>
      )}
      <LoadTestHistory items={list.items} acceptanceId={acceptance?.id ?? null} onShowLog={setShown} />
    </section>
  );
}
