"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Field, inputClass } from "@/components/ui/field";
import { type THostCreateInput, ZHostCreateSchema } from "@/lib/hosts/schema";

type TErrors = Partial<Record<keyof THostCreateInput | "form", string>>;

export function AddHostForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<TErrors>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = Object.fromEntries(
      ["name", "address", "port", "username", "privateKey"].map((k) => [k, String(form.get(k) ?? "")]),
    );
    // Same schema as the server: the browser catches typos, the server stays the authority.
    const parsed = ZHostCreateSchema.safeParse(input);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const res = await fetch("/api/hosts", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(parsed.data),
      });
      const body = (await res.json()) as { host?: { id: string }; error?: string; fields?: TErrors };
      if (!res.ok || !body.host) {
        setErrors({ ...body.fields, form: body.error ?? `The server answered ${res.status}` });
        return;
      }
      router.push(`/hosts/${body.host.id}`);
    } catch {
      setErrors({ form: "Could not reach the WebOps server" });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid gap-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <h2 className="text-base font-semibold">Add a host</h2>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" name="name" error={errors.name}>
          <input id="name" name="name" className={inputClass} placeholder="gpu-box-1" autoComplete="off" />
        </Field>
        <Field label="Address" name="address" error={errors.address} hint="Host name or IP address">
          <input
            id="address"
            name="address"
            className={inputClass}
            placeholder="10.0.0.12"
            autoComplete="off"
          />
        </Field>
        <Field label="SSH port" name="port" error={errors.port}>
          <input id="port" name="port" className={inputClass} defaultValue="22" inputMode="numeric" />
        </Field>
        <Field label="User" name="username" error={errors.username}>
          <input
            id="username"
            name="username"
            className={inputClass}
            placeholder="deploy"
            autoComplete="off"
          />
        </Field>
      </div>
      <Field
        label="Private key"
        name="privateKey"
        error={errors.privateKey}
        hint="Stored on the server; never shown again"
      >
        <textarea
          id="privateKey"
          name="privateKey"
          rows={5}
          className={`${inputClass} font-mono text-xs`}
          placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
          spellCheck={false}
        />
      </Field>
      {errors.form && (
        <p
          className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700"
          role="alert"
          data-testid="form-error"
        >
          {errors.form}
        </p>
      )}
      <div>
        <button
          type="submit"
          disabled={busy}
          className="rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50"
        >
          {busy ? "Adding…" : "Add host"}
        </button>
      </div>
    </form>
  );
}
