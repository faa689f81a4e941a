"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import type { TFitResult } from "@/lib/deployments/fit";
import type { TDeploymentSpec, TDeploymentSpecInput } from "@/lib/deployments/schema";
import { postJson, type TCreated, type TPreview } from "./api";
import type { TDevice } from "./form";
import type { TWizardHost } from "./hosts";
import { ReviewSummary } from "./review-summary";
import { isLoopback } from "./serve-step";

type TPreviewState =
  | { state: "loading" }
  | { state: "ok"; preview: TPreview }
  | { state: "error"; error: string };

const FIT_TONE = {
  ok: "bg-emerald-50 text-emerald-700 ring-emerald-300",
  warn: "bg-amber-50 text-amber-800 ring-amber-300",
  fail: "bg-rose-50 text-rose-700 ring-rose-300",
} as const;

/** The preview as it arrived, every list checked, so an unexpected shape shows less rather than crashing. */
function readPreview(body: unknown): TPreview {
  const o = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  const fit = Array.isArray(o.fit)
    ? o.fit.filter(
        (f): f is TFitResult =>
          typeof f === "object" &&
          f !== null &&
          typeof f.message === "string" &&
          (f.status === "ok" || f.status === "warn" || f.status === "fail"),
      )
    : [];
  return { fit, commands: strings(o.commands), warnings: strings(o.warnings) };
}

/** Step 5: the fit check and the exact commands from the server, then Deploy. */
export function ReviewStep({
  input,
  spec,
  host,
  device,
  paramsBillion,
  onRefused,
}: {
  input: TDeploymentSpecInput;
  spec: TDeploymentSpec;
  host: TWizardHost | null;
  device: TDevice;
  paramsBillion: number | undefined;
  /** The server refused the spec: its message and the fields it named. */
  onRefused: (error: string, fields: Record<string, string>) => void;
}) {
  const router = useRouter();
  const [preview, setPreview] = useState<TPreviewState>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [anyway, setAnyway] = useState(false);
  const [busy, setBusy] = useState(false);
  const [deployError, setDeployError] = useState<string | null>(null);
  const refused = useRef(onRefused);
  refused.current = onRefused;
  const request = JSON.stringify({ spec: input, ...(paramsBillion !== undefined && { paramsBillion }) });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the same request after "Try again"
  useEffect(() => {
    let live = true;
    setPreview({ state: "loading" });
    void postJson<unknown>("/api/deployments/preview", JSON.parse(request)).then((res) => {
      if (!live) return;
      if (res.ok) return setPreview({ state: "ok", preview: readPreview(res.body) });
      setPreview({ state: "error", error: res.error });
      if (Object.keys(res.fields).length > 0) refused.current(res.error, res.fields);
    });
    return () => {
      live = false;
    };
  }, [request, attempt]);

  const fit = preview.state === "ok" ? preview.preview.fit : [];
  const failed = fit.some((f) => f.status === "fail");
  const warnings = preview.state === "ok" ? preview.preview.warnings : [];
  const commands = preview.state === "ok" ? preview.preview.commands : [];
  // The server's warnings should say it; the review says it in any case.
  const exposureNote =
    !isLoopback(spec.serve.host) &&
    ![...warnings, ...fit.map((f) => f.message)].some((text) => text.includes("/health"))
      ? `vLLM will listen on ${spec.serve.host}: its API key guards /v1 only; /health and /metrics answer anyone who can reach the port.`
      : null;
  const allWarnings = exposureNote ? [...warnings, exposureNote] : warnings;

  async function deploy() {
    setBusy(true);
    setDeployError(null);
    const res = await postJson<TCreated>("/api/deployments", {
      spec: input,
      ...(failed && anyway && { force: true }),
    });
    if (res.ok && typeof res.body.id === "string") {
      // Stays busy while the deployment's page loads, so a second click cannot deploy twice.
      router.push(`/deployments/${encodeURIComponent(res.body.id)}`);
      return;
    }
    setBusy(false);
    const error = res.ok ? "The server did not say which deployment it created." : res.error;
    setDeployError(error);
    if (!res.ok && Object.keys(res.fields).length > 0) onRefused(res.error, res.fields);
  }

  return (
    <div className="grid gap-5">
      {preview.state === "loading" && (
        <p className="text-sm text-slate-500" role="status" data-testid="review-loading">
          Checking the deployment against the host's facts…
        </p>
      )}
      {preview.state === "error" && (
        <div
          className="flex flex-wrap items-center gap-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700"
          role="alert"
          data-testid="preview-error"
        >
          <span>Could not check the deployment: {preview.error}</span>
          <button type="button" className={buttonClass.secondary} onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      )}

      {allWarnings.length > 0 && (
        <section
          aria-labelledby="review-warnings-title"
          data-testid="review-warnings"
          className="grid gap-1 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-300"
        >
          <h3 id="review-warnings-title" className="font-semibold">
            <span aria-hidden>⚠ </span>Before you deploy
          </h3>
          <ul className="grid list-disc gap-1 pl-5">
            {allWarnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </section>
      )}

      {preview.state === "ok" && (
        <section aria-labelledby="review-fit-title" className="grid gap-2">
          <h3 id="review-fit-title" className="text-sm font-semibold text-slate-800">
            Fit check
          </h3>
          <ul className="grid gap-1.5" data-testid="review-fit">
            {fit.map((f) => (
              <li
                key={`${f.check}-${f.message}`}
                className="flex items-start gap-2 text-sm"
                data-testid={`fit-${f.check}`}
                data-status={f.status}
              >
                <span
                  className={`mt-0.5 inline-flex w-12 shrink-0 justify-center rounded-full px-2 py-px text-[11px] font-medium ring-1 ring-inset ${FIT_TONE[f.status]}`}
                >
                  {f.status}
                </span>
                <span className="text-slate-700">{f.message}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="review-summary-title" className="grid gap-2">
        <h3 id="review-summary-title" className="text-sm font-semibold text-slate-800">
          What will be deployed
        </h3>
        <ReviewSummary spec={spec} host={host} device={device} />
      </section>

      {preview.state === "ok" && (
        <section aria-labelledby="review-commands-title" className="grid gap-2">
          <div className="flex items-center justify-between gap-3">
            <h3 id="review-commands-title" className="text-sm font-semibold text-slate-800">
              Commands WebOps will run on the host
            </h3>
            <CopyButton text={commands.join("\n")} label="Copy commands" />
          </div>
          <pre
            data-testid="review-commands"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must take focus so keyboards can scroll it
            tabIndex={0}
            className="max-h-96 overflow-auto whitespace-pre rounded-md bg-slate-50 p-3 font-mono text-xs text-slate-800 ring-1 ring-inset ring-slate-200"
          >
            {commands.join("\n")}
          </pre>
          <p className="text-xs text-slate-500">
            Secrets are shown as ********; they reach the host in a file only it can read.
          </p>
        </section>
      )}

      {failed && (
        <label htmlFor="deploy-anyway" className="flex items-center gap-2 text-sm font-medium text-rose-800">
          <input
            type="checkbox"
            id="deploy-anyway"
            checked={anyway}
            onChange={(e) => setAnyway(e.target.checked)}
            className="accent-rose-600"
          />
          Deploy anyway, although the fit check failed
        </label>
      )}
      {deployError && (
        <p
          className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700"
          role="alert"
          data-testid="deploy-error"
        >
          {deployError}
        </p>
      )}
      <div>
        <button
          type="button"
          className={buttonClass.accent}
          onClick={() => void deploy()}
          disabled={busy || preview.state !== "ok" || (failed && !anyway)}
          data-testid="deploy"
        >
          {busy ? "Deploying…" : "Deploy"}
        </button>
      </div>
    </div>
  );
}
