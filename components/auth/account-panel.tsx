"use client";

import { type FormEvent, useState } from "react";
import { apiCall } from "@/components/ui/api-call";
import { buttonClass } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { describedBy, Field, firstErrorByField, inputClass } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TApiTokenView } from "@/lib/auth/api-tokens";
import { ROLES, roleAllows, type TRole } from "@/lib/auth/roles";
import { ZNewApiToken, ZPasswordChange } from "@/lib/auth/schema";

/** Your API tokens (create, shown once; revoke) and your password. */
export function AccountPanel({ role, initialTokens }: { role: TRole; initialTokens: TApiTokenView[] }) {
  const [tokens, setTokens] = useState(initialTokens);
  const [created, setCreated] = useState<string | null>(null);
  const [tokenErrors, setTokenErrors] = useState<Record<string, string>>({});
  const [tokenMessage, setTokenMessage] = useState<string | null>(null);
  const [pwErrors, setPwErrors] = useState<Record<string, string>>({});
  const [pwMessage, setPwMessage] = useState<string | null>(null);
  const roles = ROLES.filter((r) => roleAllows(role, r));

  async function reload() {
    const res = await apiCall<{ tokens: TApiTokenView[] }>("/api/tokens", { method: "GET" });
    if (res.ok) setTokens(res.body.tokens);
  }

  async function createToken(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const input = {
      name: String(data.get("name") ?? ""),
      role: String(data.get("role") ?? ""),
      expiresInDays: String(data.get("expiresInDays") ?? ""),
    };
    const parsed = ZNewApiToken.safeParse(input);
    if (!parsed.success) return setTokenErrors(firstErrorByField(parsed.error.issues));
    setTokenErrors({});
    const res = await apiCall<{ token: string }>("/api/tokens", { method: "POST", body: parsed.data });
    if (!res.ok) return setTokenMessage(res.error);
    setTokenMessage(null);
    setCreated(res.body.token);
    form.reset();
    await reload();
  }

  async function revoke(id: string) {
    const res = await apiCall(`/api/tokens/${id}`, { method: "DELETE" });
    setTokenMessage(res.ok ? "Token revoked" : res.error);
    await reload();
  }

  async function changePassword(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const input = {
      current: String(data.get("current") ?? ""),
      password: String(data.get("password") ?? ""),
    };
    const parsed = ZPasswordChange.safeParse(input);
    if (!parsed.success) return setPwErrors(firstErrorByField(parsed.error.issues));
    if (data.get("confirm") !== input.password) return setPwErrors({ confirm: "The two passwords differ" });
    setPwErrors({});
    const res = await apiCall("/api/auth/password", { method: "POST", body: parsed.data });
    if (!res.ok) {
      setPwMessage(res.error);
      return;
    }
    form.reset();
    setPwMessage("Password changed; your other sessions were signed out");
  }

  return (
    <div className="grid gap-8">
      <section
        aria-labelledby="tokens-title"
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4"
      >
        <div>
          <h2 id="tokens-title" className="font-semibold">
            API tokens
          </h2>
          <p className="text-sm text-slate-500">
            For scripts and CI: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts with its
            role (at most yours) until it expires or you revoke it. It is shown once.
          </p>
        </div>
        {created && (
          <div
            className="grid gap-2 rounded-md bg-emerald-50 p-3 ring-1 ring-inset ring-emerald-200"
            role="status"
          >
            <p className="text-sm text-emerald-900">
              Your new token. Copy it now: it will not be shown again.
            </p>
            <div className="flex items-center gap-2">
              <code className="break-all font-mono text-xs" data-testid="new-token">
                {created}
              </code>
              <CopyButton text={created} />
            </div>
          </div>
        )}
        {tokenMessage && (
          <p className="text-sm text-slate-700" role="status" data-testid="token-message">
            {tokenMessage}
          </p>
        )}
        {tokens.length > 0 && (
          <table className="w-full text-left text-sm" data-testid="token-table">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className="py-1">Name</th>
                <th>Role</th>
                <th>Token</th>
                <th>Expires</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} className="border-t border-slate-100">
                  <td className="py-1.5">{t.name}</td>
                  <td>{t.role}</td>
                  <td className="font-mono text-xs">{t.prefix}…</td>
                  <td>
                    <RelativeTime iso={t.expiresAt} />
                  </td>
                  <td>
                    <RelativeTime iso={t.lastUsedAt} never="never" />
                  </td>
                  <td className="text-right">
                    {t.revokedAt ? (
                      <span className="text-xs text-slate-500">revoked</span>
                    ) : (
                      <button
                        type="button"
                        className={buttonClass.dangerOutline}
                        onClick={() => void revoke(t.id)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form onSubmit={createToken} className="grid gap-3 sm:grid-cols-4 sm:items-end" noValidate>
          <Field label="Name" name="name" error={tokenErrors.name}>
            <input
              id="name"
              name="name"
              className={inputClass}
              placeholder="ci-pipeline"
              aria-describedby={describedBy("name", tokenErrors.name)}
            />
          </Field>
          <Field label="Role" name="role" error={tokenErrors.role}>
            <select id="role" name="role" className={inputClass} defaultValue={roles.at(-1)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Expires in (days)" name="expiresInDays" error={tokenErrors.expiresInDays}>
            <input
              id="expiresInDays"
              name="expiresInDays"
              inputMode="numeric"
              defaultValue="90"
              className={inputClass}
              aria-describedby={describedBy("expiresInDays", tokenErrors.expiresInDays)}
            />
          </Field>
          <button type="submit" className={buttonClass.primary}>
            Create token
          </button>
        </form>
      </section>

      <section
        aria-labelledby="password-title"
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4"
      >
        <h2 id="password-title" className="font-semibold">
          Password
        </h2>
        {pwMessage && (
          <p className="text-sm text-slate-700" role="status" data-testid="password-message">
            {pwMessage}
          </p>
        )}
        <form onSubmit={changePassword} className="grid max-w-sm gap-3" noValidate>
          <Field label="Current password" name="current" error={pwErrors.current}>
            <input
              id="current"
              name="current"
              type="password"
              autoComplete="current-password"
              className={inputClass}
            />
          </Field>
          <Field label="New password" name="password" error={pwErrors.password} hint="At least 12 characters">
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="new-password"
              className={inputClass}
            />
          </Field>
          <Field label="New password again" name="confirm" error={pwErrors.confirm}>
            <input
              id="confirm"
              name="confirm"
              type="password"
              autoComplete="new-password"
              className={inputClass}
            />
          </Field>
          <button type="submit" className={buttonClass.secondary}>
            Change password
          </button>
        </form>
      </section>
    </div>
  );
}
