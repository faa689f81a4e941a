"use client";

import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { buttonClass } from "@/components/ui/button";
import type { TStepProps } from "./fields";
import {
  deviceOf,
  FIELD_PATH,
  initialForm,
  numberOrUndefined,
  type TFormHost,
  type TWizardForm,
  withHost,
} from "./form";
import { HostStep } from "./host-step";
import type { TWizardHost } from "./hosts";
import { InstallStep } from "./install-step";
import { ModelStep } from "./model-step";
import { ReviewStep } from "./review-step";
import { ServeStep } from "./serve-step";
import { Stepper } from "./stepper";
import {
  errorsByStep,
  firstInvalidStep,
  isEmpty,
  isReachable,
  STEPS,
  serverFieldErrors,
  stepOfField,
  type TFieldErrors,
  type TStepId,
  validateForm,
} from "./validate";

const DESCRIPTIONS: Record<TStepId, string> = {
  host: "Where vLLM will run. A host can be chosen once WebOps has reached it and read its facts.",
  model: "What to serve, and under which name clients ask for it.",
  install: "How vLLM gets onto the host.",
  serve: "How vllm serve runs. Fields left empty take the preset's value, then vLLM's default.",
  review: "Check the fit against the host's facts and read the exact commands, then deploy.",
};

const formHostOf = (h: TWizardHost): TFormHost => ({
  id: h.id,
  gpuCount: h.facts?.gpus.length ?? 0,
  docker: h.facts?.docker ?? null,
});

/** The deployment wizard: five steps, each checked with the schema the server uses, then Deploy. */
export function DeploymentWizard({
  hosts,
  initialHostId,
}: {
  hosts: readonly TWizardHost[];
  initialHostId: string | null;
}) {
  const preselected = hosts.find((h) => h.id === initialHostId && h.blockedReason === null) ?? null;
  const [form, setForm] = useState<TWizardForm>(() =>
    initialForm(preselected ? formHostOf(preselected) : null),
  );
  const [step, setStep] = useState<TStepId>("host");
  const [attempted, setAttempted] = useState<ReadonlySet<TStepId>>(new Set());
  const [serverErrors, setServerErrors] = useState<TFieldErrors>({});
  const [refusal, setRefusal] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusHeading = useRef(false);

  const host = hosts.find((h) => h.id === form.hostId) ?? null;
  const gpuCount = host?.facts?.gpus.length ?? 0;
  const validation = useMemo(() => validateForm(form, gpuCount), [form, gpuCount]);
  const serverByStep = errorsByStep(serverErrors);
  const index = STEPS.findIndex((s) => s.id === step);
  const current = STEPS[index] ?? STEPS[0];

  // Keyboard and screen-reader users land on the new step's heading, not at the top of the page.
  useEffect(() => {
    if (focusHeading.current && step) headingRef.current?.focus();
    focusHeading.current = false;
  }, [step]);

  /** A server error stays under its field until the operator changes that field. */
  function dropServerErrors(drop: (key: string) => boolean) {
    setServerErrors((errors) =>
      Object.keys(errors).some(drop)
        ? Object.fromEntries(Object.entries(errors).filter(([k]) => !drop(k)))
        : errors,
    );
  }

  function set(patch: Partial<TWizardForm>) {
    setForm((f) => ({ ...f, ...patch }));
    const touched = new Set<string>(Object.keys(patch).map((k) => FIELD_PATH[k as keyof TWizardForm]));
    dropServerErrors((k) => touched.has(k));
  }

  function chooseHost(h: TWizardHost) {
    setForm((f) => withHost(f, formHostOf(h)));
    dropServerErrors((k) => k === FIELD_PATH.hostId || k.startsWith("install."));
  }

  function goTo(next: TStepId) {
    focusHeading.current = true;
    setStep(next);
    // Errors no field owns belong to the request that was refused, not to the next one.
    dropServerErrors((k) => stepOfField(k) === "review");
  }

  /** Shows the errors of `bad` and puts the focus on its first invalid field. */
  function showErrors(bad: TStepId) {
    flushSync(() => {
      setAttempted((a) => new Set(a).add(bad));
      setStep(bad);
    });
    const root = formRef.current;
    const target =
      root?.querySelector<HTMLElement>("[aria-invalid=true]") ??
      root?.querySelector<HTMLElement>("fieldset[aria-describedby$='-error'] input:not([disabled])") ??
      headingRef.current;
    target?.focus();
  }

  function next() {
    const bad = firstInvalidStep(validation.byStep, step);
    if (bad) return showErrors(bad);
    const following = STEPS[index + 1];
    if (following) goTo(following.id);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step !== "review") next();
  }

  function onRefused(error: string, fields: Record<string, string>) {
    const errors = serverFieldErrors(fields);
    setServerErrors(errors);
    setRefusal(error);
    const bad = firstInvalidStep(errorsByStep(errors), "serve");
    if (bad) showErrors(bad);
  }

  const errors: TFieldErrors = {
    ...serverByStep[step],
    ...(attempted.has(step) ? validation.byStep[step] : {}),
  };
  const stepProps: TStepProps = { form, set, errors, host };
  const unplaced = Object.entries(serverByStep.review);

  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="wizard-step-title"
      className="grid gap-6"
      data-testid="deployment-wizard"
      data-step={step}
    >
      <Stepper
        current={step}
        reachable={(s) => isReachable(validation.byStep, s)}
        done={(s) => STEPS.findIndex((x) => x.id === s) < index && isEmpty(validation.byStep[s])}
        onStep={goTo}
      />

      {refusal && !isEmpty(serverErrors) && (
        <div
          className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700"
          role="alert"
          data-testid="wizard-refusal"
        >
          <p>The server refused the deployment: {refusal}</p>
          {unplaced.length > 0 && (
            <ul className="mt-1 list-disc pl-5">
              {unplaced.map(([k, message]) => (
                <li key={k}>{k === "form" ? message : `${k}: ${message}`}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      <section className="grid gap-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <div>
          <h2
            id="wizard-step-title"
            ref={headingRef}
            tabIndex={-1}
            className="text-base font-semibold focus:outline-none"
          >
            {index + 1}. {current.title}
          </h2>
          <p className="text-sm text-slate-500">{DESCRIPTIONS[step]}</p>
        </div>

        {step === "host" && (
          <HostStep
            hosts={hosts}
            hostId={form.hostId}
            onHost={chooseHost}
            errors={errors}
            requested={initialHostId !== null && preselected === null ? initialHostId : null}
          />
        )}
        {step === "model" && <ModelStep {...stepProps} />}
        {step === "install" && <InstallStep {...stepProps} />}
        {step === "serve" && <ServeStep {...stepProps} />}
        {step === "review" &&
          (validation.spec ? (
            <ReviewStep
              input={validation.input}
              spec={validation.spec}
              host={host}
              device={deviceOf(form, gpuCount)}
              paramsBillion={numberOrUndefined(form.paramsBillion)}
              onRefused={onRefused}
            />
          ) : (
            <p className="text-sm text-rose-700" role="alert">
              A step above still needs attention: go back and fix what it marks.
            </p>
          ))}

        <div className="flex items-center gap-3 border-t border-slate-100 pt-4">
          <button
            type="button"
            className={buttonClass.secondary}
            disabled={index === 0}
            onClick={() => {
              const previous = STEPS[index - 1];
              if (previous) goTo(previous.id);
            }}
          >
            Back
          </button>
          {step !== "review" && (
            <button type="submit" className={buttonClass.primary} data-testid="wizard-next">
              Next
            </button>
          )}
        </div>
      </section>
    </form>
  );
}
