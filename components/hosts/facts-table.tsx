import type { HostFacts } from "@/lib/hosts/facts";

function gib(kib: number | null): string {
  return kib === null ? "unknown" : `${(kib / 1024 / 1024).toFixed(1)} GiB`;
}

export function FactsTable({ facts }: { facts: HostFacts }) {
  const rows: [string, string][] = [
    ["Operating system", facts.os],
    ["Kernel", facts.kernel],
    ["Architecture", facts.arch],
    ["CPU", `${facts.cpuModel || "unknown"} (${facts.cpuCores ?? "?"} cores)`],
    ["Memory", gib(facts.memoryKiB)],
    ["Free disk (home)", gib(facts.diskFreeKiB)],
    ["Python 3", facts.python3 ?? "not installed"],
    ["systemd", facts.systemd ? "yes" : "no"],
    ["Docker", facts.docker ? "yes" : "no"],
    [
      "GPUs",
      facts.gpus.length === 0
        ? "none"
        : facts.gpus
            .map((g) => `${g.name} (${g.memoryMiB ?? "?"} MiB, driver ${g.driver ?? "?"})`)
            .join("; "),
    ],
  ];
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm" data-testid="host-facts">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-slate-500">{label}</dt>
          <dd className="font-medium">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
