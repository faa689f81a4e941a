"use client";

import { useEffect, useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { inputClass } from "@/components/ui/field";

const FORMATS = [
  { id: "compose", title: "Docker Compose" },
  { id: "kubernetes", title: "Kubernetes" },
  { id: "systemd", title: "systemd unit" },
] as const;
type TFormat = (typeof FORMATS)[number]["id"];

type TPreview = { state: "loading" } | { state: "ready"; text: string } | { state: "error"; message: string };

function exportUrl(deploymentId: string, format: TFormat, nodes: string, namespace: string): string {
  const query = new URLSearchParams();
  if (format === "kubernetes") {
    if (nodes.trim() !== "" && nodes.trim() !== "1") query.set("nodes", nodes.trim());
    if (namespace.trim() !== "") query.set("namespace", namespace.trim());
  }
  const qs = query.toString();
  return `/api/deployments/${encodeURIComponent(deploymentId)}/exports/${format}${qs ? `?${qs}` : ""}`;
}

/**
 * The deployment as files to run it without the panel: Docker Compose, Kubernetes manifests (one
 * host, or a LeaderWorkerSet across several) and the systemd unit. Secrets appear by name only.
 */
export function ExportsPanel({ deploymentId }: { deploymentId: string }) {
  const [format, setFormat] = useState<TFormat>("compose");
  const [nodes, setNodes] = useState("1");
  const [namespace, setNamespace] = useState("");
  const [preview, setPreview] = useState<TPreview>({ state: "loading" });
  const url = exportUrl(deploymentId, format, nodes, namespace);

  useEffect(() => {
    const controller = new AbortController();
    setPreview({ state: "loading" });
    // Typing a namespace should not send a request per key.
    const timer = setTimeout(async () => {
      try {
        const res = await fetch(url, { signal: controller.signal });
        const text = await res.text();
        if (res.ok) {
          setPreview({ state: "ready", text });
          return;
        }
        let message = `The server answered ${res.status}`;
        try {
          message = (JSON.parse(text) as { error?: string }).error ?? message;
        } catch {
          // Not JSON: keep the status line.
        }
        setPreview({ state: "error", message });
      } catch (err) {
        if (controller.signal.aborted) return;
        setPreview({
          state: "error",
          message:
            err instanceof Error && err.name === "TypeError"
              ? "Could not reach the WebOps server. Check your connection and try again."
              : "The export could not be loaded.",
        });
      }
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [url]);

  return (
    <section className="grid gap-3" aria-labelledby="exports-heading" data-testid="exports-panel">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="exports-heading" className="text-base font-semibold text-slate-900">
          Export
        </h2>
        <p className="text-xs text-slate-500">
          Run this configuration without WebOps. Secrets are referenced by name, never included.
        </p>
      </div>

      <div className="flex flex-wrap items-center gap-2">
        <div role="tablist" aria-label="Export format" className="flex flex-wrap gap-1">
          {FORMATS.map((f) => (
            <button
              key={f.id}
              type="button"
              role="tab"
              aria-selected={format === f.id}
              onClick={() => setFormat(f.id)}
              className={format === f.id ? buttonClass.primary : buttonClass.secondary}
              data-testid={`export-tab-${f.id}`}
            >
              {f.title}
            </button>
          ))}
        </div>
        <div className="ml-auto flex flex-wrap gap-3 text-sm">
          {FORMATS.map((f) => (
            <a
              key={f.id}
              href={exportUrl(deploymentId, f.id, nodes, namespace)}
              download
              className="font-medium text-sky-700 underline-offset-2 hover:underline"
              data-testid={`export-download-${f.id}`}
            >
              Download {f.title}
            </a>
          ))}
        </div>
      </div>

      {format === "kubernetes" && (
        <div className="flex flex-wrap gap-4">
          <label className="flex items-center gap-2 text-sm text-slate-700">
            Hosts per replica
            <input
              type="number"
              min={1}
              max={64}
              value={nodes}
              onChange={(e) => setNodes(e.target.value)}
              className={`${inputClass} w-20 py-1`}
              data-testid="export-nodes"
            />
          </label>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            Namespace
            <input
              type="text"
              value={namespace}
              placeholder="default"
              onChange={(e) => setNamespace(e.target.value)}
              className={`${inputClass} w-48 py-1`}
              data-testid="export-namespace"
            />
          </label>
        </div>
      )}

      {preview.state === "error" ? (
        <p className="text-sm text-rose-600" role="alert" data-testid="export-error">
          {preview.message}
        </p>
      ) : (
        <div className="relative">
          <pre
            data-testid="export-preview"
            aria-busy={preview.state === "loading"}
            className="max-h-[32rem] overflow-auto whitespace-pre rounded-md bg-slate-50 py-2 pl-3 pr-20 font-mono text-xs text-slate-800 ring-1 ring-inset ring-slate-200"
          >
            {preview.state === "ready" ? preview.text : "Loading..."}
          </pre>
          {preview.state === "ready" && (
            <div className="absolute right-2 top-1.5">
              <CopyButton text={preview.text} />
            </div>
          )}
        </div>
      )}
    </section>
  );
}
