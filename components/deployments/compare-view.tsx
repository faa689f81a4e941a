"use client";

import Link from "next/link";
import { useState } from "react";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TComparison } from "@/lib/deployments/compare";
import { DeploymentStatusBadge } from "./deployment-status";

/** Two configurations side by side; changed fields highlighted, and optionally alone. */
export function CompareView({ comparison }: { comparison: TComparison }) {
  const [onlyChanged, setOnlyChanged] = useState(false);
  const { a, b, fields, changed } = comparison;
  const rows = onlyChanged ? fields.filter((f) => f.changed) : fields;
  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-center gap-4 text-sm">
        <p data-testid="changed-count">
          {changed.length === 0
            ? "The two configurations are the same."
            : `${changed.length} field${changed.length === 1 ? "" : "s"} changed.`}
        </p>
        <label className="ml-auto flex items-center gap-2 text-slate-600">
          <input type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.target.checked)} />
          Only changed fields
        </label>
      </div>
      <table
        className="w-full rounded-lg border border-slate-200 bg-white text-sm"
        data-testid="compare-table"
      >
        <thead className="bg-slate-50 text-left text-xs text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">Field</th>
            {[a, b].map((side) => (
              <th key={side.id} className="px-3 py-2 font-medium">
                <Link href={`/deployments/${side.id}`} className="text-sky-700 hover:underline">
                  {side.modelName}
                </Link>{" "}
                <DeploymentStatusBadge status={side.status} />
                <div className="font-normal">
                  <RelativeTime iso={side.createdAt} />
                  {side.createdBy ? ` by ${side.createdBy}` : ""}
                </div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((f) => (
            <tr
              key={f.path}
              data-field={f.path}
              data-changed={f.changed ? "true" : "false"}
              className={f.changed ? "bg-amber-50" : ""}
            >
              <td className="px-3 py-1.5 text-slate-600">
                {f.label}
                {f.changed && <span className="ml-2 text-xs font-medium text-amber-700">changed</span>}
              </td>
              <td className={`break-all px-3 py-1.5 font-mono text-xs ${f.changed ? "text-rose-800" : ""}`}>
                {f.a}
              </td>
              <td
                className={`break-all px-3 py-1.5 font-mono text-xs ${f.changed ? "text-emerald-800" : ""}`}
              >
                {f.b}
                {f.changed && f.a === f.b && (
                  <span className="ml-1 font-sans text-amber-700">(value differs)</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
