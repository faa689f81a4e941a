import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import type { TLoadTestView } from "@/lib/load-test/schema";
import { fmtMs, fmtRate } from "./load-test-figures";

/** A deployment's load tests, newest first, with their figures; the acceptance record is marked. */
export function LoadTestHistory({
  items,
  acceptanceId,
  onShowLog,
}: {
  items: TLoadTestView[];
  acceptanceId: string | null;
  onShowLog: (t: TLoadTestView) => void;
}) {
  if (items.length === 0) return <p className="text-sm text-slate-500">No load tests yet.</p>;
  const th = "px-2 py-1.5 text-left font-medium";
  const td = "px-2 py-1.5 tabular-nums";
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="load-test-history">
        <thead className="border-b border-slate-200 text-xs text-slate-500">
          <tr>
            <th className={th}>When</th>
            <th className={th}>Result</th>
            <th className={th}>N × C</th>
            <th className={th}>Prompt / max out</th>
            <th className={th}>Latency p50 / p95</th>
            <th className={th}>TTFT p50 / p95</th>
            <th className={th}>Out tok/s</th>
            <th className={th}>Req/s</th>
            <th className={th}>Errors</th>
            <th className={th}>
              <span className="sr-only">Log</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr key={t.id} className="border-b border-slate-100 align-top" data-testid="load-test-row">
              <td className={td}>
                <RelativeTime iso={t.createdAt} />
              </td>
              <td className={td}>
                <div className="flex flex-wrap items-center gap-1">
                  <StatusBadge status={t.status} />
                  {t.passed === true && (
                    <span className="text-xs font-medium text-emerald-700" data-testid="load-test-passed">
                      passed{t.id === acceptanceId ? " · acceptance record" : ""}
                    </span>
                  )}
                  {t.passed === false && (
                    <span className="text-xs font-medium text-rose-700">not passed</span>
                  )}
                </div>
              </td>
              <td className={td}>
                {t.requests} × {t.concurrency}
              </td>
              <td className={td}>
                {t.promptWords} w / {t.maxTokens}
              </td>
              <td className={td}>
                {fmtMs(t.latencyP50Ms)} / {fmtMs(t.latencyP95Ms)}
              </td>
              <td className={td}>
                {fmtMs(t.ttftP50Ms)} / {fmtMs(t.ttftP95Ms)}
              </td>
              <td className={td}>{fmtRate(t.outputTokensPerS)}</td>
              <td className={td}>{fmtRate(t.requestsPerS, 2)}</td>
              <td className={td}>
                {t.errors}
                {t.errorMessages.length > 0 && (
                  <ul className="mt-0.5 max-w-xs text-xs text-rose-700">
                    {t.errorMessages.map((m) => (
                      <li key={m} className="break-words">
                        {m}
                      </li>
                    ))}
                  </ul>
                )}
                {t.error && t.errorMessages.length === 0 && (
                  <p className="mt-0.5 max-w-xs text-xs text-rose-700">{t.error}</p>
                )}
              </td>
              <td className={td}>
                <button
                  type="button"
                  className="text-xs text-sky-700 hover:underline"
                  onClick={() => onShowLog(t)}
                >
                  Log
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
