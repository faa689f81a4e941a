"use client";

import { type FormEvent, useState } from "react";
import { apiCall } from "@/components/ui/api-call";
import { buttonClass } from "@/components/ui/button";
import { describedBy, Field, firstErrorByField, inputClass } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { ROLE_WORDS, ROLES } from "@/lib/auth/roles";
import { ZNewUser } from "@/lib/auth/schema";
import type { TUserView } from "@/lib/auth/users";

/** Admins: every user with their role and state, and a form to add one. */
export function UsersAdmin({ initial, selfEmail }: { initial: TUserView[]; selfEmail: string }) {
  const [users, setUsers] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);

  async function reload() {
    const res = await apiCall<{ users: TUserView[] }>("/api/users", { method: "GET" });
    if (res.ok) setUsers(res.body.users);
  }

  async function change(user: TUserView, body: Record<string, unknown>, done: string) {
    const res = await apiCall(`/api/users/${user.id}`, { method: "PATCH", body });
    setMessage(res.ok ? done : res.error);
    await reload();
  }

  async function add(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const input = {
      email: String(data.get("email") ?? ""),
      name: String(data.get("name") ?? ""),
      role: String(data.get("role") ?? ""),
      password: String(data.get("password") ?? ""),
    };
    const parsed = ZNewUser.safeParse(input);
    if (!parsed.success) {
      setErrors(firstErrorByField(parsed.error.issues));
      return;
    }
    setErrors({});
    const res = await apiCall<{ user: TUserView }>("/api/users", { method: "POST", body: parsed.data });
    if (!res.ok) {
      setMessage(res.error);
      return;
    }
    form.reset();
    setMessage(`Added ${res.body.user.email} as ${res.body.user.role}`);
    await reload();
  }

  return (
    <div className="grid gap-6">
      {message && (
        <p
          className="rounded-md bg-slate-100 p-2 text-sm text-slate-700"
          role="status"
          data-testid="users-message"
        >
          {message}
        </p>
      )}
      <table
        className="w-full rounded-lg bg-white text-left text-sm ring-1 ring-slate-200"
        data-testid="users-table"
      >
        <thead className="text-xs text-slate-500">
          <tr>
            <th className="px-3 py-2">Email</th>
            <th>Name</th>
            <th>Role</th>
            <th>Last sign-in</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} className="border-t border-slate-100" data-testid={`user-${u.email}`}>
              <td className="px-3 py-2">
                {u.email}
                {u.disabled && <span className="ml-2 rounded bg-slate-200 px-1.5 text-xs">disabled</span>}
              </td>
              <td>{u.name}</td>
              <td>
                <select
                  aria-label={`Role of ${u.email}`}
                  className={inputClass}
                  value={u.role}
                  onChange={(e) =>
                    void change(u, { role: e.target.value }, `${u.email} is now ${e.target.value}`)
                  }
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <RelativeTime iso={u.lastSignInAt} />
              </td>
              <td className="pr-3 text-right">
                {u.email !== selfEmail && (
                  <button
                    type="button"
                    className={u.disabled ? buttonClass.secondary : buttonClass.dangerOutline}
                    onClick={() =>
                      void change(
                        u,
                        { disabled: !u.disabled },
                        `${u.email} ${u.disabled ? "enabled" : "disabled; their sessions ended"}`,
                      )
                    }
                  >
                    {u.disabled ? "Enable" : "Disable"}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <section
        aria-labelledby="add-user"
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4"
      >
        <h2 id="add-user" className="font-semibold">
          Add a user
        </h2>
        <ul className="text-xs text-slate-500">
          {ROLES.map((r) => (
            <li key={r}>
              <strong>{r}</strong>: {ROLE_WORDS[r]}
            </li>
          ))}
        </ul>
        <form onSubmit={add} className="grid gap-3 sm:grid-cols-2" noValidate>
          <Field label="Email" name="email" error={errors.email}>
            <input
              id="email"
              name="email"
              type="email"
              className={inputClass}
              aria-describedby={describedBy("email", errors.email)}
            />
          </Field>
          <Field label="Name" name="name" error={errors.name}>
            <input id="name" name="name" className={inputClass} />
          </Field>
          <Field label="Role" name="role" error={errors.role}>
            <select id="role" name="role" className={inputClass} defaultValue="viewer">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Initial password"
            name="password"
            error={errors.password}
            hint="At least 12 characters; tell it to them privately"
          >
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="new-password"
              className={inputClass}
              aria-describedby={describedBy("password", errors.password, true)}
            />
          </Field>
          <div>
            <button type="submit" className={buttonClass.primary}>
              Add user
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
