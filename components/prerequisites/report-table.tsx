import type { TPrereqReport } from "@/lib/prerequisites/report";
import { PrereqStateChip } from "./state-chip";

const th = "px-3 py-1.5 font-medium";
const td = "px-3 py-1.5 align-top";

const SOURCE_WORDS = { installed: "installed", candidate: "would install", cpu: "this CPU" } as const;

/** One profile's check: each item with its state, versions and fix; the version minimums; the way out. */
export function PrereqReportTable({ report }: { report: TPrereqReport }) {
  return (
    <div className="grid gap-3" data-testid="prereq-report" data-state={report.state}>
      <div className="overflow-x-auto rounded-md ring-1 ring-inset ring-slate-200">
        <table className="w-full text-sm">
          <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className={th}>
                Prerequisite
              </th>
              <th scope="col" className={th}>
                State
              </th>
              <th scope="col" className={th}>
                Installed
              </th>
              <th scope="col" className={th}>
                What to do
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {report.items.map((item) => {
              const versions = Object.entries(item.versions ?? {});
              return (
                <tr key={item.id} data-testid="prereq-item" data-item={item.id} data-state={item.state}>
                  <td className={td}>
                    <span className="font-mono text-xs font-medium text-slate-800">{item.id}</span>
                    <span className="block text-xs text-slate-500">
                      {item.purpose}
                      {item.reportOnly && " · reported, not installed by WebOps"}
                    </span>
                  </td>
                  <td className={td}>
                    <PrereqStateChip state={item.state} />
                  </td>
                  <td className={`${td} font-mono text-xs text-slate-600`}>
                    {versions.length === 0 ? (
                      <span className="text-slate-400">—</span>
                    ) : (
                      versions.map(([pkg, version]) => (
                        <span key={pkg} className="block whitespace-nowrap">
                          {pkg} <span className="text-slate-500">{version}</span>
                        </span>
                      ))
                    )}
                  </td>
                  <td className={`${td} text-xs`}>
                    {item.fix ? (
                      <span className="break-words text-slate-700">{item.fix}</span>
                    ) : (
                      <span className="text-slate-400">nothing</span>
                    )}
                    {item.state === "broken" &&
                      item.failedProbes.map((f) => (
                        <span key={f.probe} className="block font-mono text-[11px] text-rose-700">
                          {f.probe}: {f.detail}
                        </span>
                      ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {report.minimums.length > 0 && (
        <div className="overflow-x-auto rounded-md ring-1 ring-inset ring-slate-200">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className={th}>
                  Minimum
                </th>
                <th scope="col" className={th}>
                  Required
                </th>
                <th scope="col" className={th}>
                  Found
                </th>
                <th scope="col" className={th}>
                  State
                </th>
                <th scope="col" className={th}>
                  Note
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {report.minimums.map((m) => (
                <tr key={m.id} data-testid="prereq-minimum" data-minimum={m.id} data-state={m.state}>
                  <td className={`${td} font-medium text-slate-800`}>{m.label}</td>
                  <td className={`${td} text-xs text-slate-600`}>{m.required}</td>
                  <td className={`${td} text-xs`}>
                    {m.found ?? <span className="text-slate-400">—</span>}
                    {m.source && <span className="block text-slate-500">{SOURCE_WORDS[m.source]}</span>}
                  </td>
                  <td className={td}>
                    <PrereqStateChip state={m.state} />
                  </td>
                  <td className={`${td} text-xs text-slate-600`}>{m.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {report.wayOut && (
        <p
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-inset ring-amber-300"
          data-testid="prereq-way-out"
        >
          {report.wayOut}
        </p>
      )}
      {report.reportOnlyProblems.length > 0 && (
        <p className="text-xs text-slate-600">
          WebOps reports but does not install: {report.reportOnlyProblems.join(", ")}.
        </p>
      )}
      {report.cpuFlags.length > 0 && (
        <p className="text-xs text-slate-500">
          CPU flags: <span className="font-mono">{report.cpuFlags.join(" ")}</span>
        </p>
      )}
    </div>
  );
}
