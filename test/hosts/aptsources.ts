// The machine's apt sources: where debootstrap downloads from, and what apt inside a test host uses.
// We read them instead of hard-coding a mirror because CI and dev machines point at different ones
// (and some networks can reach only their own mirror).
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export const SUITE = "bookworm";

const APT_DIR = process.env.WEBOPS_HOSTS_APT_DIR ?? "/etc/apt";

interface Stanza {
  fields: Map<string, string>;
  text: string;
}

/** Parses deb822 (.sources) text into stanzas; keys are lower-cased, continuation lines joined. */
function parseDeb822(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let key: string | undefined;
    for (const line of block.split("\n")) {
      if (line.startsWith("#")) continue;
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m?.[1] !== undefined) {
        key = m[1].toLowerCase();
        fields.set(key, (m[2] ?? "").trim());
      } else if (key && /^\s/.test(line)) {
        fields.set(key, `${fields.get(key) ?? ""}\n${line.trim()}`);
      }
    }
    if (fields.has("uris")) stanzas.push({ fields, text: block.trim() });
  }
  return stanzas;
}

const enabled = (s: Stanza): boolean => (s.fields.get("enabled") ?? "yes").toLowerCase() !== "no";
const words = (v: string | undefined): string[] => (v ?? "").split(/\s+/).filter(Boolean);

/** One classic one-line entry: `deb [opts] uri suite comps...`. */
interface ListLine {
  line: string;
  uri: string;
  suite: string;
  signedBy?: string;
}

function parseList(text: string): ListLine[] {
  const out: ListLine[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const m = /^deb(?:-src)?\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (!m?.[2] || !m[3]) continue;
    const signedBy = /signed-by=(\S+)/.exec(m[1] ?? "")?.[1];
    out.push({ line, uri: m[2], suite: m[3], ...(signedBy ? { signedBy } : {}) });
  }
  return out;
}

async function listDir(dir: string, suffix: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith(suffix)).sort();
  } catch {
    return [];
  }
}

const readText = (path: string): Promise<string> => readFile(path, "utf8").catch(() => "");

/**
 * The mirror debootstrap should use: `$WEBOPS_HOSTS_MIRROR`, else the first `URIs:` of an enabled
 * .sources stanza (preferring one that serves the plain `bookworm` suite rather than -security),
 * else the first `deb` line of the classic sources.list.
 */
export async function findMirror(): Promise<string> {
  if (process.env.WEBOPS_HOSTS_MIRROR) return process.env.WEBOPS_HOSTS_MIRROR;
  const stanzas: Stanza[] = [];
  for (const f of await listDir(join(APT_DIR, "sources.list.d"), ".sources")) {
    stanzas.push(...parseDeb822(await readText(join(APT_DIR, "sources.list.d", f))).filter(enabled));
  }
  const preferred = stanzas.find((s) => words(s.fields.get("suites")).includes(SUITE)) ?? stanzas[0];
  const uri = words(preferred?.fields.get("uris"))[0];
  if (uri) return uri;
  const lines = [
    ...parseList(await readText(join(APT_DIR, "sources.list"))),
    ...(
      await Promise.all(
        (
          await listDir(join(APT_DIR, "sources.list.d"), ".list")
        ).map(async (f) => parseList(await readText(join(APT_DIR, "sources.list.d", f)))),
      )
    ).flat(),
  ];
  const line = lines.find((l) => l.suite === SUITE) ?? lines[0];
  if (line) return line.uri;
  throw new Error(`no apt mirror found in ${APT_DIR}/sources.list(.d); set WEBOPS_HOSTS_MIRROR`);
}

/** Copies a keyring the machine's sources reference into the rootfs unless it already ships one. */
async function copyKeyring(root: string, path: string | undefined): Promise<void> {
  if (!path?.startsWith("/") || path.includes("\n")) return; // inline keys travel with the stanza
  const target = join(root, path);
  if (existsSync(target) || !existsSync(path)) return;
  await mkdir(dirname(target), { recursive: true });
  await copyFile(path, target);
}

/**
 * Gives the rootfs the machine's apt sources so `apt-get` inside a test host reaches the same mirror.
 * Only entries for our suite (bookworm, bookworm-updates, bookworm-security...) are copied: a third-party
 * repository the machine uses (nodesource, a cloud SDK) is usually unreachable from tests and would
 * make every `apt-get update` on a test host fail. If nothing matches, debootstrap's own
 * sources.list (the mirror it downloaded from) stays.
 */
export async function copyAptSources(root: string): Promise<void> {
  const forSuite = (suite: string): boolean => suite === SUITE || suite.startsWith(`${SUITE}-`);
  let copied = 0;
  const listDirIn = join(root, "etc/apt/sources.list.d");
  await mkdir(listDirIn, { recursive: true });

  for (const f of await listDir(join(APT_DIR, "sources.list.d"), ".sources")) {
    const keep = parseDeb822(await readText(join(APT_DIR, "sources.list.d", f))).filter(
      (s) => enabled(s) && words(s.fields.get("suites")).some(forSuite),
    );
    if (keep.length === 0) continue;
    await writeFile(join(listDirIn, f), `${keep.map((s) => s.text).join("\n\n")}\n`);
    for (const s of keep) await copyKeyring(root, s.fields.get("signed-by"));
    copied += keep.length;
  }

  const classic: Array<[string, string]> = [["sources.list", join(APT_DIR, "sources.list")]];
  for (const f of await listDir(join(APT_DIR, "sources.list.d"), ".list")) {
    classic.push([`sources.list.d/${f}`, join(APT_DIR, "sources.list.d", f)]);
  }
  const classicOut = new Map<string, string[]>();
  for (const [rel, path] of classic) {
    const keep = parseList(await readText(path)).filter((l) => forSuite(l.suite));
    if (keep.length === 0) continue;
    classicOut.set(
      rel,
      keep.map((l) => l.line),
    );
    for (const l of keep) await copyKeyring(root, l.signedBy);
    copied += keep.length;
  }

  if (copied === 0) return;
  // debootstrap's sources.list would duplicate the entries above (apt warns about duplicates).
  await rm(join(root, "etc/apt/sources.list"), { force: true });
  for (const [rel, lines] of classicOut) await writeFile(join(root, "etc/apt", rel), `${lines.join("\n")}\n`);
}
