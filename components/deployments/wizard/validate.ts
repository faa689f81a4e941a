import { checkExtraArgs } from "@/lib/deployments/extra-args";
import { type TDeploymentSpec, type TDeploymentSpecInput, ZDeploymentSpec } from "@/lib/deployments/schema";
import { FIELD_PATH, numberOrUndefined, type TWizardForm, toSpecInput } from "./form";

export const STEPS = [
  { id: "host", title: "Host" },
  { id: "model", title: "Model" },
  { id: "install", title: "Install method" },
  { id: "serve", title: "Serve options" },
  { id: "review", title: "Review" },
] as const;
export type TStepId = (typeof STEPS)[number]["id"];

/** Field errors keyed by the field's spec path ("serve.port"); "form" for what belongs to no field. */
export type TFieldErrors = Record<string, string>;

interface TIssueLike {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  expected?: unknown;
}

const KNOWN_FIELDS: readonly string[] = Object.values(FIELD_PATH);

/** The input an issue path belongs to: "serve.extraArgs.3" → "serve.extraArgs"; unknown paths stay as they are. */
export function fieldKeyOf(path: string): string {
  if (path === "") return "form";
  let best: string | undefined;
  for (const field of KNOWN_FIELDS) {
    if ((path === field || path.startsWith(`${field}.`)) && field.length > (best?.length ?? 0)) best = field;
  }
  return best ?? path;
}

/** The step whose inputs own a field key; anything unknown surfaces on the review step. */
export function stepOfField(key: string): TStepId {
  const head = key.split(".")[0];
  if (head === "hostId") return "host";
  if (head === "model" || key === "servedModelName" || key === "hfToken" || key === "preset") return "model";
  if (key === "paramsBillion") return "model";
  if (head === "install") return "install";
  if (head === "serve") return "serve";
  return "review";
}

/** zod's issues as one message per field, the first one winning; numbers typed as words get plain words. */
export function fieldErrorsOf(issues: readonly TIssueLike[]): TFieldErrors {
  const errors: TFieldErrors = {};
  for (const issue of issues) {
    const key = fieldKeyOf(issue.path.map(String).join("."));
    const message =
      issue.code === "invalid_type" && issue.expected === "number" ? "Enter a number" : issue.message;
    errors[key] ??= message;
  }
  return errors;
}

/** Server `fields` (dotted zod paths) brought onto the same keys as the browser's own errors. */
export function serverFieldErrors(fields: Record<string, string> | undefined): TFieldErrors {
  const errors: TFieldErrors = {};
  for (const [path, message] of Object.entries(fields ?? {})) errors[fieldKeyOf(path)] ??= message;
  return errors;
}

export function errorsByStep(errors: TFieldErrors): Record<TStepId, TFieldErrors> {
  const byStep = Object.fromEntries(STEPS.map((s) => [s.id, {}])) as Record<TStepId, TFieldErrors>;
  for (const [key, message] of Object.entries(errors)) byStep[stepOfField(key)][key] = message;
  return byStep;
}

export interface TValidation {
  input: TDeploymentSpecInput;
  /** The spec as the server will store it (defaults and preset filled), when every step is valid. */
  spec: TDeploymentSpec | null;
  byStep: Record<TStepId, TFieldErrors>;
}

/**
 * Validates the whole form with the deployment schema. Extra arguments are also checked on their
 * own: the schema's cross-field check only runs once every field is valid, and the operator should
 * see a refused flag on the serve step without fixing the other steps first.
 */
export function validateForm(form: TWizardForm, gpuCount: number): TValidation {
  const input = toSpecInput(form, gpuCount);
  const parsed = ZDeploymentSpec.safeParse(input);
  const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
  const extra = checkExtraArgs(input.serve.extraArgs ?? []);
  if (!extra.ok) errors[FIELD_PATH.extraArgs] ??= extra.message;
  const params = numberOrUndefined(form.paramsBillion);
  if (params !== undefined && !(params > 0 && params <= 10_000))
    errors[FIELD_PATH.paramsBillion] = "A number of billions, such as 7 or 0.5";
  return {
    input,
    spec: parsed.success && Object.keys(errors).length === 0 ? parsed.data : null,
    byStep: errorsByStep(errors),
  };
}

export const isEmpty = (errors: TFieldErrors) => Object.keys(errors).length === 0;

/** The first step, up to and including `upTo`, that has errors; null when all of them are valid. */
export function firstInvalidStep(byStep: Record<TStepId, TFieldErrors>, upTo: TStepId): TStepId | null {
  for (const step of STEPS) {
    if (!isEmpty(byStep[step.id])) return step.id;
    if (step.id === upTo) break;
  }
  return null;
}

/** A step can be opened once every step before it is valid. */
export function isReachable(byStep: Record<TStepId, TFieldErrors>, step: TStepId): boolean {
  const index = STEPS.findIndex((s) => s.id === step);
  return STEPS.slice(0, index).every((s) => isEmpty(byStep[s.id]));
}
