"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { buttonClass } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { type THostFormInput, ZHostFormSchema } from "@/lib/hosts/schema";
import { CredentialFields, type TAuthChoice, type TStoredCredentials } from "./host-form-credentials";

/** The editable, non-secret part of an existing host. Built field by field from THostView. */
export interface THostFormDefaults extends TStoredCredentials {
  id: string;
  name: string;
  address: string;
  port: number;
  username: string;
  labels: string[];
  deployPath: string;
  deployConcurrency: number;
  jumpHostId: string | null;
  pinnedHostKey: string | null;
}

export interface TJumpHostOption {
  id: string;
  name: string;
  target: string;
}

type TErrors = Record<string, string | undefined>;

const FORM_FIELDS = [
  "name",
  "address",
  "port",
  "username",
  "labels",
  "deployPath",
  "deployConcurrency",
  "jumpHostId",
  "expectedHostKey",
];

/** Adds a host (no `host`) or edits one; the same schema as the server checks it first. */
export function HostForm({ host, jumpHosts }: { host?: THostFormDefaults; jumpHosts: TJumpHostOption[] }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<TErrors>({});
  const [busy, setBusy] = useState(false);
  const [auth, setAuth] = useState<TAuthChoice>(host?.authMethod ?? "key");
  const [privateKey, setPrivateKey] = useState("");

  // Move focus to the first field that needs attention, so keyboard users land on the problem.
  function showErrors(next: TErrors) {
    flushSync(() => setErrors(next));
    formRef.current?.querySelector<HTMLElement>("[aria-invalid=true], [data-testid=form-error]")?.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (key: string) => String(data.get(key) ?? "");
    const input: THostFormInput = {
      ...(Object.fromEntries(FORM_FIELDS.map((k) => [k, text(k)])) as Omit<THostFormInput, "auth">),
      auth,
      ...(auth === "key" && { privateKey, passphrase: text("passphrase") }),
      ...(auth === "password" && { password: text("password") }),
    };
    // Same schema as the server: the browser catches typos, the server stays the authority.
    const parsed = ZHostFormSchema.safeParse(input);
    if (!parsed.success) {
      const fields: TErrors = {};
      for (const issue of parsed.error.issues) fields[String(issue.path[0] ?? "form")] ??= issue.message;
      showErrors(fields);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const res = await fetch(host ? `/api/hosts/${host.id}` : "/api/hosts", {
        method: host ? "PATCH" : "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(parsed.data),
      });
      const body = (await res.json().catch(() => ({}))) as {
        host?: { id: string };
        error?: string;
        fields?: TErrors;
      };
      if (!res.ok || !body.host) {
        setBusy(false);
        const { form, ...fields } = body.fields ?? {};
        showErrors({
          ...fields,
          form: [body.error ?? `The server answered ${res.status}`, form].filter(Boolean).join(": "),
        });
        return;
      }
      // Stays busy while the host page loads, so a second click cannot save twice.
      router.push(`/hosts/${body.host.id}`);
    } catch {
      setBusy(false);
      showErrors({ form: "Could not reach the WebOps server. Check your connection and try again." });
    }
  }

  const input = (name: string, hint?: string) => ({
    id: name,
    name,
    className: inputClass,
    autoComplete: "off",
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": describedBy(name, errors[name], hint),
  });

  const hints = {
    address: "Host name or IP address",
    labels: "Separated by commas or spaces, e.g. a100, prod",
    deployPath: "Where WebOps keeps models, environments and services",
    deployConcurrency:
      "How many deployments may run here at once; the others wait in line. 1 (one at a time) unless the host has the GPUs, memory and ports for more",
    jumpHostId: "Reach this host through another one (a bastion)",
    expectedHostKey: host?.pinnedHostKey
      ? `Pinned now: ${host.pinnedHostKey}. Leave empty to keep it; paste another to replace it.`
      : "Pins the key before the first connection, so even the first contact is verified. Paste the SHA256 fingerprint, the public key line, or a known_hosts line.",
  };

  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="host-form-title"
      className="grid gap-6 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <div>
        <h2 id="host-form-title" className="text-base font-semibold">
          {host ? `Edit ${host.name}` : "Add a host"}
        </h2>
        <p className="text-sm text-slate-500">
          {host
            ? "Credentials you leave empty stay as they are."
            : "WebOps connects over SSH as this user; deployments go under the deploy path."}
        </p>
      </div>

      <div className="grid gap-4 sm:grid-cols-[2fr_2fr_7rem_2fr]">
        <Field label="Name" name="name" error={errors.name}>
          <input {...input("name")} defaultValue={host?.name} placeholder="gpu-box-1" />
        </Field>
        <Field label="Address" name="address" error={errors.address} hint={hints.address}>
          <input {...input("address", hints.address)} defaultValue={host?.address} placeholder="10.0.0.12" />
        </Field>
        <Field label="SSH port" name="port" error={errors.port}>
          <input {...input("port")} defaultValue={String(host?.port ?? 22)} inputMode="numeric" />
        </Field>
        <Field label="User" name="username" error={errors.username}>
          <input {...input("username")} defaultValue={host?.username} placeholder="deploy" />
        </Field>
      </div>

      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Labels" name="labels" error={errors.labels} hint={hints.labels}>
          <input
            {...input("labels", hints.labels)}
            defaultValue={host?.labels.join(", ")}
            placeholder="a100, prod"
          />
        </Field>
        <Field label="Deploy path" name="deployPath" error={errors.deployPath} hint={hints.deployPath}>
          <input
            {...input("deployPath", hints.deployPath)}
            defaultValue={host?.deployPath ?? "~/webops"}
            className={`${inputClass} font-mono`}
          />
        </Field>
        <Field
          label="Deployments at once"
          name="deployConcurrency"
          error={errors.deployConcurrency}
          hint={hints.deployConcurrency}
        >
          <input
            {...input("deployConcurrency", hints.deployConcurrency)}
            type="number"
            min={1}
            max={8}
            inputMode="numeric"
            defaultValue={host?.deployConcurrency ?? 1}
          />
        </Field>
        <Field label="Jump host" name="jumpHostId" error={errors.jumpHostId} hint={hints.jumpHostId}>
          <select {...input("jumpHostId", hints.jumpHostId)} defaultValue={host?.jumpHostId ?? ""}>
            <option value="">None (direct)</option>
            {jumpHosts.map((j) => (
              <option key={j.id} value={j.id}>
                {j.name} ({j.target})
              </option>
            ))}
          </select>
        </Field>
      </div>

      <CredentialFields
        auth={auth}
        onAuth={setAuth}
        privateKey={privateKey}
        onPrivateKey={setPrivateKey}
        errors={errors}
        stored={host}
      />

      <details className="group rounded-md border border-slate-200" open={Boolean(errors.expectedHostKey)}>
        <summary className="cursor-pointer select-none px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
          Advanced
        </summary>
        <div className="grid gap-4 border-t border-slate-200 p-3">
          <Field
            label="Expected host key"
            name="expectedHostKey"
            error={errors.expectedHostKey}
            hint={hints.expectedHostKey}
          >
            <textarea
              {...input("expectedHostKey", hints.expectedHostKey)}
              rows={2}
              className={`${inputClass} font-mono text-xs`}
              placeholder="SHA256:… or ssh-ed25519 AAAA…"
              spellCheck={false}
            />
          </Field>
        </div>
      </details>

      {errors.form && (
        <p
          className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700"
          role="alert"
          tabIndex={-1}
          data-testid="form-error"
        >
          {errors.form}
        </p>
      )}
      <div className="flex items-center gap-3">
        <button type="submit" disabled={busy} className={buttonClass.primary}>
          {host ? (busy ? "Saving…" : "Save changes") : busy ? "Adding…" : "Add host"}
        </button>
        {host && (
          <Link href={`/hosts/${host.id}`} className={buttonClass.secondary}>
            Cancel
          </Link>
        )}
      </div>
    </form>
  );
}
