import type { ReactNode } from "react";
import { describedBy, inputClass } from "@/components/ui/field";
import type { TWizardForm } from "./form";
import type { TWizardHost } from "./hosts";
import type { TFieldErrors } from "./validate";

/** What every step receives: the form, a way to change it, the errors to show and the chosen host. */
export interface TStepProps {
  form: TWizardForm;
  set: (patch: Partial<TWizardForm>) => void;
  errors: TFieldErrors;
  host: TWizardHost | null;
}

/** Props of a text input or select whose id is its spec path, tied to its label, hint and error. */
export function control(name: string, errors: TFieldErrors, hint?: unknown) {
  return {
    id: name,
    name,
    className: inputClass,
    autoComplete: "off",
    spellCheck: false,
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": describedBy(name, errors[name], hint),
  } as const;
}

/** A group of choices with a legend and the group's error, like the host form's login choice. */
export function ChoiceGroup({
  legend,
  name,
  error,
  hint,
  children,
  columns = "sm:grid-cols-3",
}: {
  legend: string;
  name: string;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
  columns?: string;
}) {
  return (
    <fieldset className="grid gap-2" aria-describedby={describedBy(name, error, hint)}>
      <legend className="mb-1 text-sm font-medium text-slate-700">{legend}</legend>
      <div className={`grid gap-2 ${columns}`}>{children}</div>
      {hint && !error && (
        <p className="text-xs text-slate-500" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="text-xs text-rose-600" id={`${name}-error`} data-testid={`error-${name}`} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** One radio choice drawn as a card; a disabled card says why under its label. */
export function RadioCard({
  name,
  value,
  checked,
  onSelect,
  label,
  help,
  disabledReason,
  testId,
}: {
  name: string;
  value: string;
  checked: boolean;
  onSelect: () => void;
  label: string;
  help?: ReactNode;
  disabledReason?: string | null;
  testId?: string;
}) {
  const id = `${name}-${value}`;
  const disabled = Boolean(disabledReason);
  return (
    <label
      htmlFor={id}
      data-testid={testId}
      className={`flex items-start gap-2 rounded-md border p-3 text-sm has-focus-visible:ring-2 has-focus-visible:ring-sky-500 ${
        disabled
          ? "cursor-not-allowed border-slate-200 bg-slate-50 text-slate-500"
          : "cursor-pointer border-slate-200 has-checked:border-sky-500 has-checked:bg-sky-50/60"
      }`}
    >
      <input
        type="radio"
        id={id}
        name={name}
        value={value}
        checked={checked}
        disabled={disabled}
        onChange={onSelect}
        aria-labelledby={`${id}-label`}
        aria-describedby={help || disabledReason ? `${id}-help` : undefined}
        className="mt-0.5 accent-sky-600"
      />
      <span className="grid content-start gap-0.5">
        <span id={`${id}-label`} className={`font-medium ${disabled ? "text-slate-500" : "text-slate-800"}`}>
          {label}
        </span>
        {(help || disabledReason) && (
          <span id={`${id}-help`} className="grid gap-0.5 text-xs text-slate-500">
            {help}
            {disabledReason && <span className="text-amber-800">{disabledReason}</span>}
          </span>
        )}
      </span>
    </label>
  );
}
