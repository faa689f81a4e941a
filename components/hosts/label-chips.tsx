import Link from "next/link";

/** A host's labels as small chips; each filters the host list to that label. */
export function LabelChips({ labels, active }: { labels: string[]; active?: string }) {
  if (labels.length === 0) return null;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Labels">
      {labels.map((label) => (
        <li key={label}>
          <Link
            href={`/hosts?label=${encodeURIComponent(label)}`}
            title={`Show hosts labelled ${label}`}
            data-testid="host-label"
            className={`inline-block rounded px-1.5 py-px font-mono text-[11px] leading-4 ring-1 ring-inset hover:bg-sky-50 hover:text-sky-800 hover:ring-sky-300 ${
              label === active
                ? "bg-sky-100 text-sky-800 ring-sky-300"
                : "bg-slate-50 text-slate-600 ring-slate-200"
            }`}
          >
            {label}
          </Link>
        </li>
      ))}
    </ul>
  );
}
