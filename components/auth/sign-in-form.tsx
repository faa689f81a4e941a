"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { buttonClass } from "@/components/ui/button";
import { describedBy, Field, firstErrorByField, inputClass } from "@/components/ui/field";
import { ZSignIn } from "@/lib/auth/schema";

/** Where to go after signing in: a page of this panel only, never another site. */
function safeNext(next: string | undefined): string {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/hosts";
}

export function SignInForm({ next }: { next?: string }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") };
    const parsed = ZSignIn.safeParse(input);
    if (!parsed.success) {
      setErrors(firstErrorByField(parsed.error.issues));
      return;
    }
    setErrors({});
    setMessage(null);
    setBusy(true);
    try {
      const res = await fetch("/api/auth/sign-in", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(parsed.data),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: string };
        setMessage(body.error ?? `Sign-in failed (${res.status})`);
        return;
      }
      router.replace(safeNext(next));
      router.refresh();
    } catch {
      setMessage("The panel did not answer; try again");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="grid gap-4" noValidate>
      <Field label="Email" name="email" error={errors.email}>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          className={inputClass}
          aria-describedby={describedBy("email", errors.email)}
        />
      </Field>
      <Field label="Password" name="password" error={errors.password}>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          className={inputClass}
          aria-describedby={describedBy("password", errors.password)}
        />
      </Field>
      {message && (
        <p className="text-sm text-rose-600" role="alert" data-testid="sign-in-error">
          {message}
        </p>
      )}
      <button type="submit" className={buttonClass.primary} disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
