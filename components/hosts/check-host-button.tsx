"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiCall } from "@/components/ui/api-call";
import { buttonClass } from "@/components/ui/button";

/** Queues a host check and follows its log. */
export function CheckHostButton({ hostId }: { hostId: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function onClick() {
    setBusy(true);
    setError(undefined);
    const result = await apiCall<{ operationId: string }>(`/api/hosts/${hostId}/checks`, { method: "POST" });
    if (!result.ok) {
      setBusy(false);
      setError(result.error);
      return;
    }
    router.push(`/operations/${result.body.operationId}`);
  }

  return (
    <div className="flex items-center gap-3">
      {error && (
        <span className="max-w-xs text-sm text-rose-600" role="alert" data-testid="check-host-error">
          {error}
        </span>
      )}
      <button type="button" onClick={onClick} disabled={busy} className={buttonClass.accent}>
        {busy ? "Queueing…" : "Check host"}
      </button>
    </div>
  );
}
