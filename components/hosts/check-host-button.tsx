"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

export function CheckHostButton({ hostId }: { hostId: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function onClick() {
    setBusy(true);
    setError(undefined);
    try {
      const res = await fetch(`/api/hosts/${hostId}/checks`, { method: "POST" });
      const body = (await res.json()) as { operationId?: string; error?: string };
      if (!res.ok || !body.operationId) {
        setError(body.error ?? `The server answered ${res.status}`);
        return;
      }
      router.push(`/operations/${body.operationId}`);
    } catch {
      setError("Could not reach the WebOps server");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex items-center gap-3">
      <button
        type="button"
        onClick={onClick}
        disabled={busy}
        className="rounded-md bg-sky-600 px-4 py-2 text-sm font-medium text-white hover:bg-sky-500 disabled:opacity-50"
      >
        {busy ? "Queueing…" : "Check host"}
      </button>
      {error && (
        <span className="text-sm text-rose-600" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
