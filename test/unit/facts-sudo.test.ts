import { describe, expect, it } from "vitest";
import { describeSudo, type HostSudo, parseFacts, sudoersLineFor } from "@/lib/hosts/facts";
import { recorded } from "../fixtures/recorded/read";

const APT_LINE = "deploy ALL=(root) NOPASSWD: /usr/bin/apt-get update, /usr/bin/apt-get install *";

// Every row is a real run of the facts script over SSH against a test host with that sudo policy
// (scripts/record-facts.ts): sudo itself decided, nothing here is simulated.
describe("what sudo allows, on recorded test hosts", () => {
  it.each<[string, string, Partial<HostSudo>, boolean]>([
    [
      "facts-bare.txt",
      "bare profile: the documented NOPASSWD line with `install *`",
      { mode: "install", reason: "package-manager", shell: "no", update: "yes", install: "yes" },
      true,
    ],
    [
      "facts-ready.txt",
      "ready profile: same line",
      { mode: "install", reason: "package-manager", update: "yes", install: "yes" },
      true,
    ],
    [
      "facts-sudo-all.txt",
      "deploy ALL=(ALL) NOPASSWD: ALL",
      { mode: "full", reason: "all-commands", shell: "yes", update: null, install: null },
      true,
    ],
    [
      "facts-nosudo.txt",
      "nosudo profile: no rule, no admin group",
      { mode: "none", reason: "not-in-sudoers", detail: "sudo: a password is required", shell: null },
      false,
    ],
    [
      "facts-sudo-no-star.txt",
      "the no-`*` line: install permitted without arguments only",
      {
        mode: "none",
        reason: "install-without-arguments",
        shell: "no",
        update: "yes",
        install: "no",
        installWithoutArguments: "yes",
      },
      false,
    ],
    [
      "facts-sudo-password.txt",
      "in group sudo (Debian's %sudo ALL=(ALL:ALL) ALL), nothing passwordless",
      { mode: "none", reason: "password-required", detail: "group sudo" },
      false,
    ],
    [
      "facts-sudo-group-and-nopasswd.txt",
      "group sudo plus the NOPASSWD line: a root shell would ask, apt-get would not",
      { mode: "install", reason: "package-manager", shell: "password", update: "yes", install: "yes" },
      true,
    ],
    [
      "facts-sudo-password-rule-last.txt",
      "the NOPASSWD line followed by `deploy ALL=(ALL) ALL`: the last match asks",
      {
        mode: "none",
        reason: "package-manager-needs-password",
        shell: "password",
        update: "password",
        install: "password",
      },
      false,
    ],
    ["facts-sudo-missing.txt", "no sudo binary", { mode: "none", reason: "not-installed" }, false],
  ])("%s (%s)", (file, _policy, sudo, canInstall) => {
    const facts = parseFacts(recorded(file));
    expect(facts.sudo).toMatchObject(sudo);
    expect(describeSudo(facts).canInstall).toBe(canInstall);
  });

  it("reports the no-`*` line as not permitted and offers the corrected line with the real user", () => {
    const description = describeSudo(parseFacts(recorded("facts-sudo-no-star.txt")));
    expect(description).toEqual({
      mode: "none",
      canInstall: false,
      summary:
        "Not permitted: the sudoers line allows `apt-get install` without arguments only, so `sudo -n apt-get install -y <package>` is refused.",
      fix: {
        text: "End the install command with ` *` so it accepts package names. Replace the line with:",
        sudoersLine: APT_LINE,
      },
    });
  });

  it.each([
    ["facts-nosudo.txt", /deploy has no sudo rule that works without a password.*not in sudoers/],
    ["facts-sudo-password.txt", /asks deploy for a password \(deploy is in group sudo/],
    ["facts-sudo-missing.txt", /sudo is not installed/],
    ["facts-sudo-password-rule-last.txt", /only with a password/],
  ])("explains %s precisely and offers the working line", (file, summary) => {
    const description = describeSudo(parseFacts(recorded(file)));
    expect(description.summary).toMatch(summary);
    expect(description.fix?.sudoersLine).toBe(APT_LINE);
  });

  it("needs no fix when WebOps can install", () => {
    for (const file of ["facts-bare.txt", "facts-sudo-all.txt", "facts-h100.txt"]) {
      expect(describeSudo(parseFacts(recorded(file))).fix).toBeNull();
    }
  });
});

describe("sudoers line", () => {
  it("is the line ENVIRONMENT.md verified, for apt-get", () => {
    expect(sudoersLineFor("deploy", "apt-get")).toBe(APT_LINE);
  });

  it("uses the host's own path and each family's commands", () => {
    expect(sudoersLineFor("ops", "dnf")).toBe(
      "ops ALL=(root) NOPASSWD: /usr/bin/dnf makecache, /usr/bin/dnf install *",
    );
    expect(sudoersLineFor("ops", "apk")).toBe("ops ALL=(root) NOPASSWD: /sbin/apk update, /sbin/apk add *");
    expect(sudoersLineFor("ops", "zypper")).toBe(
      "ops ALL=(root) NOPASSWD: /usr/bin/zypper --non-interactive refresh, /usr/bin/zypper --non-interactive install *",
    );
    expect(sudoersLineFor("ops", "apt-get", "/bin/apt-get")).toBe(
      "ops ALL=(root) NOPASSWD: /bin/apt-get update, /bin/apt-get install *",
    );
  });

  it("escapes characters sudoers would read as syntax in a user name", () => {
    expect(sudoersLineFor("svc:web,ops", "apt-get")).toMatch(/^svc\\:web\\,ops ALL=\(root\) NOPASSWD: /);
  });
});
