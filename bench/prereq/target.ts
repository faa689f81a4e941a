// Out-of-band setup of the bench host, done before anything is timed: Ansible's apt module imports
// python3-apt on the target (and would otherwise try to install it during the first timed run).
// Runs in the host's own root file system, an overlay that stop() throws away.
import { CHROOT_ENV, type TestHost } from "../../test/hosts";
import { runChecked, runTimed } from "../support/process";

/** The installed version of a package inside the host, or undefined. */
export async function installedVersion(host: TestHost, pkg: string): Promise<string | undefined> {
  const query = await runTimed(
    "chroot",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format fields
    [host.rootDir, "dpkg-query", "-W", "-f=${Status}\\t${Version}", pkg],
    { env: CHROOT_ENV },
  );
  const [status, version] = query.stdout.split("\t");
  return query.exitCode === 0 && status === "install ok installed" ? version : undefined;
}

/** Installs `pkg` into the host with the host's apt unless present; says what was done. */
export async function ensureHostPackage(host: TestHost, pkg: string): Promise<string> {
  const present = await installedVersion(host, pkg);
  if (present) return `${pkg} ${present} was already installed on the host`;
  const apt = (args: string[]) =>
    runTimed("chroot", [host.rootDir, "apt-get", ...args], { env: CHROOT_ENV, timeoutMs: 300_000 });
  let install = await apt(["install", "-y", "--no-install-recommends", pkg]);
  if (install.exitCode !== 0) {
    // The host's package lists date from when the cache was built; the mirror may have moved on.
    await runChecked("chroot", [host.rootDir, "apt-get", "update"], { env: CHROOT_ENV, timeoutMs: 300_000 });
    install = await apt(["install", "-y", "--no-install-recommends", pkg]);
  }
  const version = await installedVersion(host, pkg);
  if (!version)
    throw new Error(`could not install ${pkg} on the bench host:\n${install.stdout}${install.stderr}`);
  return `${pkg} ${version} installed on the host out of band, before timing (chroot <host root> apt-get install -y --no-install-recommends ${pkg})`;
}
