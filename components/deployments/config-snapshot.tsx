import { configFields, type TSecretPresence } from "@/lib/deployments/config-fields";
import type { TDeploymentSpec } from "@/lib/deployments/schema";

const GROUPS = ["Model", "Install", "Serve", "Secrets"] as const;

/** The configuration this deployment ran with, field by field; secrets only as set or not set. */
export function ConfigSnapshot({ spec, secrets }: { spec: TDeploymentSpec; secrets: TSecretPresence }) {
  const fields = configFields(spec, secrets);
  return (
    <div className="grid gap-3 sm:grid-cols-2" data-testid="config-snapshot">
      {GROUPS.map((group) => {
        const rows = fields.filter((f) => f.group === group);
        if (rows.length === 0) return null;
        return (
          <section key={group} className="rounded-lg border border-slate-200 bg-white p-3">
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{group}</h3>
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-0.5 text-sm">
              {rows.map((f) => (
                <div key={f.path} className="contents" data-field={f.path}>
                  <dt className="text-slate-500">{f.label}</dt>
                  <dd className="break-all font-mono text-xs leading-5">{f.value}</dd>
                </div>
              ))}
            </dl>
          </section>
        );
      })}
    </div>
  );
}
