/**
 * The package managers WebOps can drive, and the exact commands it runs with them. The facts script
 * asks sudo about these same commands, and the sudoers line shown to operators permits these same
 * commands: one table, so the three cannot drift apart.
 */
export const PACKAGE_MANAGER_NAMES = ["apt-get", "dnf", "yum", "zypper", "pacman", "apk"] as const;
export type PackageManager = (typeof PACKAGE_MANAGER_NAMES)[number];

export interface PackageManagerSpec {
  /** Where distributions install it; the sudoers line uses it when the host did not say. */
  defaultPath: string;
  /** Arguments of the index refresh run before installing. */
  refresh: readonly string[];
  /** Arguments up to the install verb; sudoers must allow these followed by anything (`*`). */
  installVerb: readonly string[];
  /** Flags between the verb and the package names for an unattended install. */
  installFlags: readonly string[];
  /** A package every release of the family has; only ever named in `sudo -n -l`, never installed. */
  probePackage: string;
}

export const PACKAGE_MANAGERS: Readonly<Record<PackageManager, PackageManagerSpec>> = {
  "apt-get": {
    defaultPath: "/usr/bin/apt-get",
    refresh: ["update"],
    installVerb: ["install"],
    installFlags: ["-y"],
    probePackage: "build-essential",
  },
  dnf: {
    defaultPath: "/usr/bin/dnf",
    refresh: ["makecache"],
    installVerb: ["install"],
    installFlags: ["-y"],
    probePackage: "gcc",
  },
  yum: {
    defaultPath: "/usr/bin/yum",
    refresh: ["makecache"],
    installVerb: ["install"],
    installFlags: ["-y"],
    probePackage: "gcc",
  },
  zypper: {
    defaultPath: "/usr/bin/zypper",
    refresh: ["--non-interactive", "refresh"],
    installVerb: ["--non-interactive", "install"],
    installFlags: [],
    probePackage: "gcc",
  },
  pacman: {
    defaultPath: "/usr/bin/pacman",
    refresh: ["-Sy"],
    installVerb: ["-S"],
    installFlags: ["--noconfirm", "--needed"],
    probePackage: "gcc",
  },
  apk: {
    defaultPath: "/sbin/apk",
    refresh: ["update"],
    installVerb: ["add"],
    installFlags: [],
    probePackage: "gcc",
  },
};

export function isPackageManager(value: string): value is PackageManager {
  return (PACKAGE_MANAGER_NAMES as readonly string[]).includes(value);
}

/** Characters sudoers treats as syntax inside a user name; they need a backslash there. */
const SUDOERS_SPECIAL = /[\\,:=()!#"\s]/g;

/**
 * The sudoers line that lets `user` refresh the package index and install packages without a
 * password. The trailing `*` matters: `apt-get install` without it permits no arguments at all.
 */
export function sudoersLineFor(
  user: string,
  packageManager: PackageManager,
  path: string = PACKAGE_MANAGERS[packageManager].defaultPath,
): string {
  const spec = PACKAGE_MANAGERS[packageManager];
  const who = user.replace(SUDOERS_SPECIAL, (c) => `\\${c}`);
  const refresh = [path, ...spec.refresh].join(" ");
  const install = [path, ...spec.installVerb, "*"].join(" ");
  return `${who} ALL=(root) NOPASSWD: ${refresh}, ${install}`;
}
