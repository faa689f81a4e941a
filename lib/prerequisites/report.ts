import type { TMinimum, TPackageFamily, TPrereqProfile, TPrereqProfileId, TProbe } from "./profiles";

export type TItemState = "ok" | "missing" | "broken";

export interface TItemReport {
  id: string;
  purpose: string;
  packages: string[];
  state: TItemState;
  reportOnly: boolean;
  /** Installed packages and their versions. */
  versions: Record<string, string>;
  missingPackages: string[];
  failedProbes: { probe: TProbe; detail: string }[];
  /** What to do, when something needs doing. */
  fix: string | null;
}

export type TMinimumState = "ok" | "not_met" | "limited" | "unknown";

export interface TMinimumReport {
  id: TMinimum["id"];
  label: string;
  required: string;
  /** What the host has, or else what its package manager would install. */
  found: string | null;
  source: "installed" | "candidate" | "cpu" | null;
  state: TMinimumState;
  note: string;
}

export interface TPrereqReport {
  format: 1;
  profile: TPrereqProfileId;
  family: TPackageFamily;
  state: "ready" | "missing" | "broken";
  items: TItemReport[];
  /** Packages to install (missing ones), and to reinstall (installed but a probe fails). */
  missingPackages: string[];
  brokenPackages: string[];
  /** Items WebOps only reports (driver, Docker) that are not in place. */
  reportOnlyProblems: string[];
  minimums: TMinimumReport[];
  cpuFlags: string[];
  /** When the distro's own packages cannot meet a minimum: the ways out. */
  wayOut: string | null;
}

interface TRaw {
  packages: Map<string, string | null>;
  probes: Map<string, { ok: boolean; detail: string }>;
  versions: Map<string, string>;
  candidates: Map<string, string>;
  cpuFlags: string[];
}

function readLines(lines: readonly string[]): TRaw {
  const raw: TRaw = {
    packages: new Map(),
    probes: new Map(),
    versions: new Map(),
    candidates: new Map(),
    cpuFlags: [],
  };
  let done = false;
  for (const line of lines) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    const [kind, name] = key.split(":", 2) as [string, string | undefined];
    if (kind === "pkg" && name) {
      raw.packages.set(name, value.startsWith("installed") ? value.slice("installed".length).trim() : null);
    } else if (kind === "probe" && name) {
      const ok = value.startsWith("ok");
      raw.probes.set(name, { ok, detail: value.replace(/^(ok|fail)\s*/, "") });
    } else if (kind === "ver" && name) raw.versions.set(name, value);
    else if (kind === "cand" && name) raw.candidates.set(name, value);
    else if (key === "cpu_flags") raw.cpuFlags = value.split(/\s+/).filter(Boolean).sort();
    else if (key === "prereq" && value === "done") done = true;
  }
  if (!done) throw new Error("The prerequisites check did not run to its end; see the lines above");
  return raw;
}

/** Leading dotted number of a version string: "4:12.2.0-3" → [12, 2, 0]. */
export function versionNumbers(version: string): number[] {
  const m = /^(?:\d+:)?(\d+(?:\.\d+)*)/.exec(version.trim());
  return m?.[1] ? m[1].split(".").map(Number) : [];
}

export function compareVersions(a: string, b: string): number {
  const x = versionNumbers(a);
  const y = versionNumbers(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const INSTALL_WORDS: Record<TPackageFamily, (pkgs: string[]) => string> = {
  apt: (p) => `sudo apt-get install --reinstall -y ${p.join(" ")}`,
  dnf: (p) => `sudo dnf reinstall -y ${p.join(" ")}`,
  pacman: (p) => `sudo pacman -S --noconfirm ${p.join(" ")}`,
  apk: (p) => `sudo apk fix ${p.join(" ")}`,
};

function itemReport(
  profileItem: TPrereqProfile["items"][number],
  family: TPackageFamily,
  raw: TRaw,
): TItemReport {
  const packages = [...profileItem.packages[family]];
  const versions: Record<string, string> = {};
  const missingPackages: string[] = [];
  for (const p of packages) {
    const v = raw.packages.get(p);
    if (v === undefined || v === null) missingPackages.push(p);
    else versions[p] = v;
  }
  const failedProbes = profileItem.probes.flatMap((probe) => {
    const r = raw.probes.get(probe);
    return r && !r.ok ? [{ probe, detail: r.detail }] : r ? [] : [{ probe, detail: "not reported" }];
  });
  const reportOnly = profileItem.reportOnly === true;
  let state: TItemState = "ok";
  let fix: string | null = null;
  if (reportOnly) {
    if (failedProbes.length > 0) {
      state = "missing";
      fix = `WebOps does not install this: ${failedProbes.map((f) => f.detail).join("; ")}`;
    }
  } else if (missingPackages.length > 0) {
    state = "missing";
    fix = `Install ${missingPackages.join(" ")}`;
  } else if (failedProbes.length > 0) {
    // Installed, yet what it provides is not there: a broken install.
    state = "broken";
    fix = `Installed but not working (${failedProbes.map((f) => f.detail).join("; ")}); reinstall it: ${INSTALL_WORDS[family](packages)}`;
  }
  return {
    id: profileItem.id,
    purpose: profileItem.purpose,
    packages,
    state,
    reportOnly,
    versions,
    missingPackages,
    failedProbes,
    fix,
  };
}

function minimumReport(min: TMinimum, family: TPackageFamily, raw: TRaw): TMinimumReport {
  if (min.id === "cpu") {
    const flags = new Set(raw.cpuFlags);
    if (flags.has("avx512f"))
      return {
        id: min.id,
        label: min.label,
        required: "AVX-512 (AVX2 works with limits)",
        found: "AVX-512",
        source: "cpu",
        state: "ok",
        note: "AVX-512 present",
      };
    if (flags.has("avx2"))
      return {
        id: min.id,
        label: min.label,
        required: "AVX-512 (AVX2 works with limits)",
        found: "AVX2",
        source: "cpu",
        state: "limited",
        note: "AVX2 only: vLLM's CPU backend runs, without the AVX-512 kernels (slower, some data types unsupported)",
      };
    return {
      id: min.id,
      label: min.label,
      required: "AVX-512 (AVX2 works with limits)",
      found: raw.cpuFlags.length > 0 ? raw.cpuFlags.join(" ") : "neither AVX2 nor AVX-512",
      source: "cpu",
      state: "not_met",
      note: "This CPU has neither AVX-512 nor AVX2: vLLM's CPU backend cannot run here",
    };
  }
  const required = min.below ? `${min.atLeast} to below ${min.below}` : `${min.atLeast} or newer`;
  const installed = raw.versions.get(min.id) || null;
  const candidatePackage = min.package?.[family];
  const candidate = candidatePackage ? raw.candidates.get(candidatePackage) : undefined;
  const usable = candidate && candidate !== "(none)" ? candidate : null;
  const found = installed ?? usable;
  const source = installed ? "installed" : usable ? "candidate" : null;
  if (!found) {
    return {
      id: min.id,
      label: min.label,
      required,
      found: null,
      source: null,
      state: "unknown",
      note: `${min.label} is not installed; its version is checked once it is`,
    };
  }
  const meets =
    (!min.atLeast || compareVersions(found, min.atLeast) >= 0) &&
    (!min.below || compareVersions(found, min.below) < 0);
  const shown = versionNumbers(found).join(".");
  const what =
    source === "installed"
      ? `${min.label} ${shown} is installed`
      : `the package manager would install ${min.label} ${shown}`;
  return {
    id: min.id,
    label: min.label,
    required,
    found: shown,
    source,
    state: meets ? "ok" : "not_met",
    note: meets ? `${what}` : `${what}; vLLM needs ${required}`,
  };
}

/** Turns the script's lines into the report for one profile; pure, no I/O. */
export function parsePrereqReport(
  lines: readonly string[],
  profile: TPrereqProfile,
  family: TPackageFamily,
  osName: string | null,
): TPrereqReport {
  const raw = readLines(lines);
  const items = profile.items.map((i) => itemReport(i, family, raw));
  const installable = items.filter((i) => !i.reportOnly);
  const missingPackages = [...new Set(installable.flatMap((i) => i.missingPackages))];
  const brokenPackages = [
    ...new Set(installable.filter((i) => i.state === "broken").flatMap((i) => i.packages)),
  ];
  const minimums = profile.minimums.map((m) => minimumReport(m, family, raw));
  const toolchainShort = minimums.filter(
    (m) => m.state === "not_met" && m.id !== "cpu" && m.id !== "python3",
  );
  const wayOut =
    toolchainShort.length > 0
      ? `${osName ?? "This distribution"}'s own packages cannot meet ${toolchainShort
          .map(
            (m) =>
              `${m.label} ${m.required} (${m.source === "installed" ? "installed" : "available"}: ${m.found})`,
          )
          .join(
            ", ",
          )}. Ways out: install a newer toolchain (e.g. gcc 13 and a newer CMake from a newer release or backports), use the prebuilt vLLM CPU wheel, or deploy the container image.`
      : null;
  return {
    format: 1,
    profile: profile.id,
    family,
    state: missingPackages.length > 0 ? "missing" : brokenPackages.length > 0 ? "broken" : "ready",
    items,
    missingPackages,
    brokenPackages,
    reportOnlyProblems: items.filter((i) => i.reportOnly && i.state !== "ok").map((i) => i.id),
    minimums,
    cpuFlags: raw.cpuFlags,
    wayOut,
  };
}
