"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiCall } from "@/components/ui/api-call";
import { buttonClass } from "@/components/ui/button";

/**
 * Trusts the key the host presented (the fingerprint the operator is looking at, so a key that
 * changed again since is refused), then checks the host again and follows that check's log.
 */
export function TrustHostKeyButton({
  hostId,
  fingerprint,
  label,
  confirm,
  checkAfter,
}: {
  hostId: string;
  fingerprint: string;
  label: string;
  /** When set, a second step asks this question before trusting. */
  confirm?: string;
  /** A disabled host takes no checks: trust only. */
  checkAfter: boolean;
}) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();

  async function trust() {
    setBusy("Trusting…");
    setError(undefined);
    const trusted = await apiCall(`/api/hosts/${hostId}/host-key`, { method: "POST", body: { fingerprint } });
    if (!trusted.ok) {
      setBusy(undefined);
      setConfirming(false);
      setError(trusted.error);
      if (trusted.status === 409) router.refresh();
      return;
    }
    if (!checkAfter) {
      setBusy(undefined);
      setConfirming(false);
      router.refresh();
      return;
    }
    setBusy("Checking…");
    const check = await apiCall<{ operationId: string }>(`/api/hosts/${hostId}/checks`, { method: "POST" });
    if (!check.ok) {
      setBusy(undefined);
      setError(`The key is trusted, but the check could not start: ${check.error}`);
      router.refresh();
      return;
    }
    router.push(`/operations/${check.body.operationId}`);
  }

  return (
    <div className="grid gap-2">
      {confirming ? (
        <div
          role="alertdialog"
          aria-labelledby="trust-host-key-question"
          className="grid gap-2 rounded-md bg-white p-3 text-sm ring-1 ring-inset ring-rose-300"
        >
          <p id="trust-host-key-question" className="text-rose-900">
            {confirm}
          </p>
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              onClick={trust}
              disabled={busy !== undefined}
              className={buttonClass.danger}
              data-testid="confirm-trust-host-key"
              // biome-ignore lint/a11y/noAutofocus: the confirm step was just opened by this user's click
              autoFocus
            >
              {busy ?? `Yes, ${label.toLowerCase()}`}
            </button>
            <button type="button" onClick={() => setConfirming(false)} className={buttonClass.secondary}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div>
          <button
            type="button"
            onClick={() => (confirm ? setConfirming(true) : trust())}
            disabled={busy !== undefined}
            className={confirm ? buttonClass.danger : buttonClass.accent}
            data-testid="trust-host-key"
          >
            {busy ?? label}
          </button>
        </div>
      )}
      {error && (
        <p
          className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700"
          role="alert"
          data-testid="trust-host-key-error"
        >
          {error}
        </p>
      )}
    </div>
  );
}
