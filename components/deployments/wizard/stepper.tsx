import { STEPS, type TStepId } from "./validate";

/** Numbered steps; a step opens once every step before it is valid. */
export function Stepper({
  current,
  reachable,
  done,
  onStep,
}: {
  current: TStepId;
  reachable: (step: TStepId) => boolean;
  done: (step: TStepId) => boolean;
  onStep: (step: TStepId) => void;
}) {
  return (
    <nav aria-label="Deployment steps">
      <ol className="flex flex-wrap gap-2" data-testid="wizard-steps">
        {STEPS.map((step, i) => {
          const isCurrent = step.id === current;
          const open = reachable(step.id);
          return (
            <li key={step.id}>
              <button
                type="button"
                onClick={() => onStep(step.id)}
                disabled={!open}
                aria-current={isCurrent ? "step" : undefined}
                data-testid={`wizard-step-${step.id}`}
                className={`inline-flex items-center gap-2 rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:cursor-not-allowed ${
                  isCurrent
                    ? "bg-slate-900 text-white ring-slate-900"
                    : open
                      ? "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"
                      : "bg-slate-50 text-slate-400 ring-slate-200"
                }`}
              >
                <span
                  aria-hidden
                  className={`inline-flex h-5 w-5 items-center justify-center rounded-full text-xs ${
                    isCurrent
                      ? "bg-white text-slate-900"
                      : done(step.id)
                        ? "bg-emerald-600 text-white"
                        : "bg-slate-200 text-slate-600"
                  }`}
                >
                  {!isCurrent && done(step.id) ? "✓" : i + 1}
                </span>
                <span>
                  <span className="sr-only">Step {i + 1}: </span>
                  {step.title}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
