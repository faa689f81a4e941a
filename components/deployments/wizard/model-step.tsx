import { Field } from "@/components/ui/field";
import { ChoiceGroup, control, RadioCard, type TStepProps } from "./fields";
import { defaultServedName, FIELD_PATH as F } from "./form";
import { PRESET_CHOICES, presetFills } from "./presets";

/** Step 2: which model, under which name, and the preset that sizes its serve options. */
export function ModelStep({ form, set, errors }: TStepProps) {
  const hints = {
    repo: "organisation/name, as on huggingface.co",
    revision: "A branch, tag or commit; empty means main.",
    path: "An absolute path to a folder with the model's config and weights, already on the host.",
    servedModelName: `The name clients send as "model". Empty: ${defaultServedName(form) || "the repo id or folder name"}.`,
    hfToken: "Only for gated or private repos. Stored encrypted, used only on the host, never shown again.",
    paramsBillion:
      "Optional. Only when the name does not say it (like 8B): lets the review check memory and disk.",
  };
  return (
    <div className="grid gap-5">
      <ChoiceGroup legend="Model source" name={F.modelSource}>
        <RadioCard
          name={F.modelSource}
          value="hf"
          checked={form.modelSource === "hf"}
          onSelect={() => set({ modelSource: "hf" })}
          label="Hugging Face repo"
          help="The host downloads it."
        />
        <RadioCard
          name={F.modelSource}
          value="path"
          checked={form.modelSource === "path"}
          onSelect={() => set({ modelSource: "path" })}
          label="Folder on the host"
          help="For air-gapped hosts and models you copied there."
        />
      </ChoiceGroup>

      {form.modelSource === "hf" ? (
        <div className="grid gap-4 sm:grid-cols-[2fr_1fr]">
          <Field label="Repo id" name={F.repo} error={errors[F.repo]} hint={hints.repo}>
            <input
              {...control(F.repo, errors, hints.repo)}
              value={form.repo}
              onChange={(e) => set({ repo: e.target.value })}
              placeholder="Qwen/Qwen2.5-0.5B-Instruct"
            />
          </Field>
          <Field label="Revision" name={F.revision} error={errors[F.revision]} hint={hints.revision}>
            <input
              {...control(F.revision, errors, hints.revision)}
              value={form.revision}
              onChange={(e) => set({ revision: e.target.value })}
              placeholder="main"
            />
          </Field>
        </div>
      ) : (
        <Field label="Model folder" name={F.path} error={errors[F.path]} hint={hints.path}>
          <input
            {...control(F.path, errors, hints.path)}
            className={`${control(F.path, errors).className} font-mono`}
            value={form.path}
            onChange={(e) => set({ path: e.target.value })}
            placeholder="/srv/models/Qwen2.5-0.5B-Instruct"
          />
        </Field>
      )}

      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Served model name"
          name={F.servedModelName}
          error={errors[F.servedModelName]}
          hint={hints.servedModelName}
        >
          <input
            {...control(F.servedModelName, errors, hints.servedModelName)}
            value={form.servedModelName}
            onChange={(e) => set({ servedModelName: e.target.value })}
            placeholder={defaultServedName(form) || undefined}
          />
        </Field>
        {form.modelSource === "hf" && (
          <Field label="Hugging Face token" name={F.hfToken} error={errors[F.hfToken]} hint={hints.hfToken}>
            <input
              {...control(F.hfToken, errors, hints.hfToken)}
              type="password"
              autoComplete="new-password"
              value={form.hfToken}
              onChange={(e) => set({ hfToken: e.target.value })}
              placeholder="hf_…"
            />
          </Field>
        )}
      </div>

      <ChoiceGroup
        legend="Preset"
        name={F.preset}
        error={errors[F.preset]}
        hint="A preset fills serve options you leave empty; anything you set on the serve step wins."
        columns="sm:grid-cols-2 lg:grid-cols-4"
      >
        {PRESET_CHOICES.map((p) => {
          const fills = presetFills(p.value);
          return (
            <RadioCard
              key={p.value}
              name={F.preset}
              value={p.value}
              checked={form.preset === p.value}
              onSelect={() => set({ preset: p.value })}
              label={p.label}
              help={
                <>
                  <span>{p.help}</span>
                  {fills.length > 0 && <span className="font-mono text-[11px]">{fills.join(" · ")}</span>}
                </>
              }
            />
          );
        })}
      </ChoiceGroup>

      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          label="Parameters (billions)"
          name={F.paramsBillion}
          error={errors[F.paramsBillion]}
          hint={hints.paramsBillion}
        >
          <input
            {...control(F.paramsBillion, errors, hints.paramsBillion)}
            inputMode="decimal"
            value={form.paramsBillion}
            onChange={(e) => set({ paramsBillion: e.target.value })}
            placeholder="from the name"
          />
        </Field>
      </div>
    </div>
  );
}
