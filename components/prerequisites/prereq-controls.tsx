"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiCall } from "@/components/ui/api-call";
import { buttonClass } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import type { TPrereqProfileId } from "@/lib/prerequisites/profiles";
import type { TPrereqMode } from "@/lib/prerequisites/result";
import { PROFILE_OPTIONS } from "./read";

/** Pick an install method, then check its prerequisites or install what is missing; follows the run's log. */
export function PrereqControls({
  hostId,
  profile,
  disabled,
  hint,
}: {
  hostId: string;
  profile: TPrereqProfileId;
  /** A disabled host takes no operations. */
  disabled: boolean;
  hint: string;
}) {
  const router = useRouter();
  const [selected, setSelected] = useState(profile);
  const [busy, setBusy] = useState<TPrereqMode>();
  const [error, setError] = useState<string>();

  async function start(mode: TPrereqMode) {
    setBusy(mode);
    setError(undefined);
    const result = await apiCall<{ operationId: string }>(`/api/hosts/${hostId}/prerequisites`, {
      method: "POST",
      body: { profile: selected, mode },
    });
    if (!result.ok) {
      setBusy(undefined);
      setError(result.error);
      return;
    }
    router.push(`/operations/${result.body.operationId}`);
  }

  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64">
          <Field label="Install method" name="prereq-profile">
            <select
              id="prereq-profile"
              name="prereq-profile"
              value={selected}
              aria-describedby="prereq-profile-hint"
              className={inputClass}
              onChange={(e) => {
                const next = e.target.value as TPrereqProfileId;
                setSelected(next);
                router.replace(`/hosts/${hostId}/prerequisites?profile=${next}`, { scroll: false });
              }}
            >
              {PROFILE_OPTIONS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            className={buttonClass.secondary}
            disabled={disabled || busy !== undefined}
            onClick={() => start("check")}
            data-testid="prereq-check"
            title="Read-only: reports what is installed, missing or broken"
          >
            {busy === "check" ? "Queueing…" : "Check"}
          </button>
          <button
            type="button"
            className={buttonClass.accent}
            disabled={disabled || busy !== undefined}
            onClick={() => start("install")}
            data-testid="prereq-install"
            title="Installs what is missing with passwordless sudo, or stops with the exact commands"
          >
            {busy === "install" ? "Queueing…" : "Install missing"}
          </button>
        </div>
      </div>
      <p className="text-xs text-slate-500" id="prereq-profile-hint">
        {hint}
      </p>
      {error && (
        <p className="text-sm text-rose-600" role="alert" data-testid="prereq-start-error">
          {error}
        </p>
      )}
    </div>
  );
}
