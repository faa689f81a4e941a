"use client";

import { useRef, useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { inputClass } from "@/components/ui/field";
import { chatCurl } from "@/lib/playground/curl";
import { CHAT_LIMITS, type TChatMessage, ZChatRequestSchema } from "@/lib/playground/schema";
import { readChatStream } from "./read-chat-stream";

type TTurn = TChatMessage & {
  stats?: {
    ttftMs: number | null;
    latencyMs: number;
    completionTokens: number | null;
    finishReason: string | null;
  };
  error?: string;
};

const fmtMs = (v: number | null) =>
  v === null ? "n/a" : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`;

/**
 * Chat with a running deployment: each turn is sent to the panel's chat route, which relays vLLM's
 * streamed answer; the same request is shown as curl to run on the host (key as $VLLM_API_KEY).
 */
export function ChatPanel({
  deploymentId,
  endpoint,
  enabled,
}: {
  deploymentId: string;
  endpoint: { address: string; port: number; model: string; hasApiKey: boolean };
  enabled: boolean;
}) {
  const [system, setSystem] = useState("");
  const [turns, setTurns] = useState<TTurn[]>([]);
  const [input, setInput] = useState("");
  const [maxTokens, setMaxTokens] = useState(256);
  const [temperature, setTemperature] = useState(0.7);
  const [error, setError] = useState<string | null>(null);
  const [streaming, setStreaming] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const messages = (next: string): TChatMessage[] => [
    ...(system.trim() ? [{ role: "system" as const, content: system.trim() }] : []),
    ...turns.filter((t) => !t.error && t.content).map(({ role, content }) => ({ role, content })),
    ...(next.trim() ? [{ role: "user" as const, content: next.trim() }] : []),
  ];

  const draft = messages(input);
  const curl = chatCurl({
    ...endpoint,
    request: {
      messages: draft.length > 0 ? draft : [{ role: "user", content: "Hello!" }],
      max_tokens: maxTokens,
      temperature,
    },
  });

  const send = async () => {
    const parsed = ZChatRequestSchema.safeParse({
      messages: messages(input),
      max_tokens: maxTokens,
      temperature,
    });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "The request is not valid");
      return;
    }
    setError(null);
    const user: TTurn = { role: "user", content: input.trim() };
    setTurns((t) => [...t, user, { role: "assistant", content: "" }]);
    setInput("");
    setStreaming(true);
    const controller = new AbortController();
    abort.current = controller;
    const patchLast = (patch: (t: TTurn) => TTurn) =>
      setTurns((all) => [...all.slice(0, -1), patch(all[all.length - 1] as TTurn)]);
    try {
      const res = await fetch(`/api/deployments/${deploymentId}/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(parsed.data),
        signal: controller.signal,
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: string };
        patchLast((t) => ({ ...t, error: body.error ?? `The server answered ${res.status}` }));
        return;
      }
      await readChatStream(res, (event) => {
        if (event.type === "delta") patchLast((t) => ({ ...t, content: t.content + event.text }));
        else if (event.type === "done")
          patchLast((t) => ({
            ...t,
            stats: {
              ttftMs: event.ttftMs,
              latencyMs: event.latencyMs,
              completionTokens: event.completionTokens,
              finishReason: event.finishReason,
            },
          }));
        else patchLast((t) => ({ ...t, error: event.message }));
      });
    } catch (err) {
      patchLast((t) => ({
        ...t,
        error: controller.signal.aborted ? "Stopped" : `The answer broke off: ${(err as Error).message}`,
      }));
    } finally {
      setStreaming(false);
      abort.current = null;
    }
  };

  return (
    <section className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="chat-panel">
      <div className="flex items-center justify-between">
        <h2 className="text-lg font-semibold">Chat</h2>
        {turns.length > 0 && (
          <button
            type="button"
            className={buttonClass.secondary}
            onClick={() => setTurns([])}
            disabled={streaming}
          >
            New conversation
          </button>
        )}
      </div>
      <label className="grid gap-1 text-sm">
        <span className="font-medium text-slate-700">System prompt (optional)</span>
        <textarea
          className={inputClass}
          rows={2}
          value={system}
          onChange={(e) => setSystem(e.target.value)}
          maxLength={CHAT_LIMITS.contentChars}
        />
      </label>
      <div
        className="grid max-h-[28rem] gap-2 overflow-y-auto"
        data-testid="chat-transcript"
        aria-live="polite"
      >
        {turns.length === 0 && (
          <p className="text-sm text-slate-500">Send a message to see the model's answer stream in.</p>
        )}
        {turns.map((t, i) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: turns are only appended
            key={i}
            className={`rounded-md px-3 py-2 text-sm ${t.role === "user" ? "bg-sky-50 text-slate-900" : "bg-slate-50 text-slate-800"}`}
            data-testid={`turn-${t.role}`}
          >
            <p className="mb-0.5 text-xs font-medium uppercase tracking-wide text-slate-500">{t.role}</p>
            <p className="whitespace-pre-wrap">
              {t.content || (streaming && i === turns.length - 1 ? "…" : "")}
            </p>
            {t.stats && (
              <p className="mt-1 text-xs text-slate-500" data-testid="turn-stats">
                first token {fmtMs(t.stats.ttftMs)} · total {fmtMs(t.stats.latencyMs)}
                {t.stats.completionTokens !== null && ` · ${t.stats.completionTokens} tokens`}
                {t.stats.finishReason && ` · ${t.stats.finishReason}`}
              </p>
            )}
            {t.error && (
              <p className="mt-1 text-xs text-rose-700" role="alert" data-testid="turn-error">
                {t.error}
              </p>
            )}
          </div>
        ))}
      </div>
      <form
        className="grid gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <label htmlFor="chat-input" className="sr-only">
          Message
        </label>
        <textarea
          id="chat-input"
          className={inputClass}
          rows={3}
          placeholder={enabled ? "Ask the model something…" : "The deployment is not running"}
          value={input}
          disabled={!enabled}
          maxLength={CHAT_LIMITS.contentChars}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
              e.preventDefault();
              if (!streaming) void send();
            }
          }}
        />
        <div className="flex flex-wrap items-end gap-3">
          <label className="grid gap-1 text-xs text-slate-600">
            Max tokens
            <input
              type="number"
              className={`${inputClass} w-28`}
              min={1}
              max={CHAT_LIMITS.maxTokens}
              value={maxTokens}
              onChange={(e) => setMaxTokens(Number(e.target.value))}
              data-testid="chat-max-tokens"
            />
          </label>
          <label className="grid gap-1 text-xs text-slate-600">
            Temperature
            <input
              type="number"
              className={`${inputClass} w-24`}
              min={0}
              max={2}
              step={0.1}
              value={temperature}
              onChange={(e) => setTemperature(Number(e.target.value))}
            />
          </label>
          <div className="ml-auto flex gap-2">
            {streaming && (
              <button type="button" className={buttonClass.secondary} onClick={() => abort.current?.abort()}>
                Stop
              </button>
            )}
            <button
              type="submit"
              className={buttonClass.accent}
              disabled={!enabled || streaming || !input.trim()}
              data-testid="chat-send"
            >
              {streaming ? "Answering…" : "Send"}
            </button>
          </div>
        </div>
        {error && (
          <p className="text-xs text-rose-600" role="alert">
            {error}
          </p>
        )}
      </form>
      <details className="rounded-md border border-slate-200">
        <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-700">
          This request as curl (run it on the host)
        </summary>
        <div className="grid gap-2 p-3">
          <p className="text-xs text-slate-500">
            vLLM listens on {endpoint.address}:{endpoint.port} on the host.
            {endpoint.hasApiKey &&
              " The API key is not shown: set VLLM_API_KEY first (it is in the deployment's service.env on the host)."}
          </p>
          <pre
            className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100"
            data-testid="chat-curl"
          >
            {curl}
          </pre>
          <div>
            <CopyButton text={curl} label="Copy curl" />
          </div>
        </div>
      </details>
    </section>
  );
}
