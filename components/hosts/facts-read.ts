import { describeSudo, readStoredFacts } from "@/lib/hosts/facts";

// Stored facts are a JSON column whose shape grows over time: read every field defensively, so a
// page renders whatever keys arrive instead of crashing on one it does not know.
type TRecord = Record<string, unknown>;

export const isRecord = (v: unknown): v is TRecord =>
  typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (o: TRecord, k: string): string | null =>
  typeof o[k] === "string" && o[k] !== "" ? (o[k] as string) : null;
export const num = (o: TRecord, k: string): number | null =>
  typeof o[k] === "number" && Number.isFinite(o[k]) ? (o[k] as number) : null;
export const bool = (o: TRecord, k: string): boolean | null =>
  typeof o[k] === "boolean" ? (o[k] as boolean) : null;
export const rec = (o: TRecord, k: string): TRecord | null => (isRecord(o[k]) ? (o[k] as TRecord) : null);
export const list = (o: TRecord, k: string): unknown[] => (Array.isArray(o[k]) ? (o[k] as unknown[]) : []);

export function gib(kib: number | null): string | null {
  return kib === null ? null : `${(kib / 1024 / 1024).toFixed(1)} GiB`;
}

export interface TSudoSummary {
  mode: string;
  reason: string | null;
  /** Whether WebOps may install prerequisites by itself; null when the facts do not say. */
  canInstall: boolean | null;
  summary: string;
  fixText: string | null;
  sudoersLine: string | null;
}

/** What sudo allows, in words: from lib's description when the facts are current, else from raw fields. */
export function sudoSummary(facts: TRecord): TSudoSummary | null {
  const current = readStoredFacts(facts);
  if (current) {
    const d = describeSudo(current);
    return {
      mode: d.mode,
      reason: current.sudo.reason,
      canInstall: d.canInstall,
      summary: d.summary,
      fixText: d.fix?.text ?? null,
      sudoersLine: d.fix?.sudoersLine ?? null,
    };
  }
  const sudo = rec(facts, "sudo");
  const mode = sudo && str(sudo, "mode");
  if (!sudo || !mode) return null;
  const reason = str(sudo, "reason");
  const detail = str(sudo, "detail");
  return {
    mode,
    reason,
    canInstall: mode === "full" || mode === "install" ? true : mode === "none" ? false : null,
    summary: [reason?.replaceAll("-", " "), detail].filter(Boolean).join(": ") || mode,
    fixText: null,
    sudoersLine: str(sudo, "sudoersLine") ?? str(sudo, "suggestedSudoersLine"),
  };
}

const SUDO_MODE_LABEL: Record<string, string> = {
  full: "sudo: full",
  install: "sudo: package installs",
  none: "sudo: none",
};

/** Short words for a chip or heading; a check that could not tell is not shown as "none". */
export function sudoLabel(sudo: TSudoSummary): string {
  if (sudo.reason === "unknown") return "sudo: not reported";
  return SUDO_MODE_LABEL[sudo.mode] ?? `sudo: ${sudo.mode}`;
}
