"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiCall } from "@/components/ui/api-call";
import { buttonClass } from "@/components/ui/button";

/** Disable/enable and delete, for the host page header. */
export function HostActions({
  hostId,
  hostName,
  disabled,
}: {
  hostId: string;
  hostName: string;
  disabled: boolean;
}) {
  const router = useRouter();
  const [busy, setBusy] = useState<"toggle" | "delete">();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();

  async function toggle() {
    setBusy("toggle");
    setError(undefined);
    const result = await apiCall(`/api/hosts/${hostId}/disabled`, {
      method: "PUT",
      body: { disabled: !disabled },
    });
    setBusy(undefined);
    if (!result.ok) return setError(result.error);
    router.refresh();
  }

  async function remove() {
    setBusy("delete");
    setError(undefined);
    const result = await apiCall(`/api/hosts/${hostId}`, { method: "DELETE" });
    if (!result.ok) {
      setBusy(undefined);
      setConfirming(false);
      return setError(result.error);
    }
    router.push("/hosts");
  }

  return (
    <div className="grid justify-items-end gap-2">
      <div className="flex flex-wrap items-center justify-end gap-2">
        <button
          type="button"
          onClick={toggle}
          disabled={busy !== undefined}
          className={buttonClass.secondary}
          data-testid="toggle-host-disabled"
          title={disabled ? "Allow checks and deployments again" : "Stop checks and deployments on this host"}
        >
          {busy === "toggle" ? (disabled ? "Enabling…" : "Disabling…") : disabled ? "Enable" : "Disable"}
        </button>
        {!confirming && (
          <button
            type="button"
            onClick={() => {
              setError(undefined);
              setConfirming(true);
            }}
            disabled={busy !== undefined}
            className={buttonClass.dangerOutline}
            data-testid="delete-host"
          >
            Delete
          </button>
        )}
      </div>
      {confirming && (
        <div
          role="alertdialog"
          aria-labelledby="delete-host-question"
          className="flex flex-wrap items-center justify-end gap-2 rounded-md bg-rose-50 px-3 py-2 text-sm ring-1 ring-inset ring-rose-200"
        >
          <span id="delete-host-question" className="text-rose-800">
            Delete {hostName} and its check history? Its stored credentials are erased.
          </span>
          <button
            type="button"
            onClick={remove}
            disabled={busy !== undefined}
            className={buttonClass.danger}
            data-testid="confirm-delete-host"
            // biome-ignore lint/a11y/noAutofocus: the confirm step was just opened by this user's click
            autoFocus
          >
            {busy === "delete" ? "Deleting…" : `Yes, delete ${hostName}`}
          </button>
          <button type="button" onClick={() => setConfirming(false)} className={buttonClass.secondary}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <p
          className="max-w-md rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700 ring-1 ring-inset ring-rose-200"
          role="alert"
          data-testid="host-action-error"
        >
          {error}
        </p>
      )}
    </div>
  );
}
