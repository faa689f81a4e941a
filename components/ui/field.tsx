import type { ReactNode } from "react";

/**
 * A labelled form control with its hint and error. The control's id must equal `name`; give it
 * `aria-describedby={describedBy(name, error, hint)}` so screen readers read the message too.
 */
export function Field({
  label,
  name,
  error,
  hint,
  children,
}: {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={name} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && !error && (
        <p className="text-xs text-slate-500" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="text-xs text-rose-600" data-testid={`error-${name}`} id={`${name}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function describedBy(name: string, error: string | undefined, hint?: unknown): string | undefined {
  if (error) return `${name}-error`;
  return hint ? `${name}-hint` : undefined;
}

export const inputClass =
  "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500 aria-invalid:border-rose-400";

/** A form's validation issues (zod's) as one message per top-level field, the first one winning. */
export function firstErrorByField(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[String(issue.path[0] ?? "form")] ??= issue.message;
  return fields;
}
