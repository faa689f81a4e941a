import { describe, expect, it } from "vitest";
import { ZHostFormSchema } from "@/lib/hosts/schema";

const valid = {
  name: "gpu-box-1",
  address: "10.0.0.12",
  port: "22",
  username: "deploy",
  auth: "key",
  privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n",
};

function fieldErrors(input: Record<string, unknown>): Record<string, string> {
  const result = ZHostFormSchema.safeParse(input);
  return result.success
    ? {}
    : Object.fromEntries(
        result.error.issues.map((i: { path: PropertyKey[]; message: string }) => [
          String(i.path[0]),
          i.message,
        ]),
      );
}

describe("host form and API schema", () => {
  it("accepts a host name, IPv4 or IPv6 address and coerces the port", () => {
    expect(ZHostFormSchema.parse(valid).port).toBe(22);
    expect(ZHostFormSchema.safeParse({ ...valid, address: "gpu1.lab.example" }).success).toBe(true);
    expect(ZHostFormSchema.safeParse({ ...valid, address: "fd00::12" }).success).toBe(true);
  });

  it.each([
    ["address", "10.0.0.1; rm -rf /"],
    ["address", "-oProxyCommand=sh"],
    ["address", "$(id)"],
    ["username", "root; id"],
    ["username", "-l"],
    ["username", "Deploy"],
    ["name", "../etc"],
    ["name", ""],
    ["port", "0"],
    ["port", "65536"],
    ["port", "22;"],
    ["privateKey", "ssh-ed25519 AAAA... user@host"],
  ])("rejects %s = %j with a message for that field", (field, value) => {
    const errors = fieldErrors({ ...valid, [field]: value });
    expect(Object.keys(errors)).toEqual([field]);
    expect(errors[field]?.length).toBeGreaterThan(5);
  });
});

describe("host form: labels, deploy path, auth choices", () => {
  it("splits labels on commas and spaces, lower-cases and de-duplicates them", () => {
    expect(ZHostFormSchema.parse({ ...valid, labels: "GPU, lab-1  gpu,h100" }).labels).toEqual([
      "gpu",
      "lab-1",
      "h100",
    ]);
    expect(ZHostFormSchema.parse({ ...valid, labels: ["a", "b"] }).labels).toEqual(["a", "b"]);
    expect(ZHostFormSchema.parse(valid).labels).toEqual([]);
  });

  it("defaults the deploy path to ~/webops and accepts absolute paths", () => {
    expect(ZHostFormSchema.parse(valid).deployPath).toBe("~/webops");
    expect(ZHostFormSchema.parse({ ...valid, deployPath: "" }).deployPath).toBe("~/webops");
    expect(ZHostFormSchema.parse({ ...valid, deployPath: "/srv/llm models" }).deployPath).toBe(
      "/srv/llm models",
    );
  });

  it.each([
    ["labels", "ok, $(id)"],
    ["labels", Array.from({ length: 17 }, (_, i) => `l${i}`).join(",")],
    ["deployPath", "relative/path"],
    ["deployPath", "/srv/../etc"],
    ["deployPath", "/srv/a\nb"],
    ["auth", "agent"],
    ["expectedHostKey", "x".repeat(9000)],
  ])("rejects %s = %j with a message for that field", (field, value) => {
    const errors = fieldErrors({ ...valid, [field]: value });
    expect(Object.keys(errors)).toEqual([field]);
  });

  it("treats empty credential fields as absent (kept on edit)", () => {
    const parsed = ZHostFormSchema.parse({
      ...valid,
      privateKey: "",
      passphrase: "",
      password: "",
      jumpHostId: "",
    });
    expect(parsed.privateKey).toBeUndefined();
    expect(parsed.passphrase).toBeUndefined();
    expect(parsed.password).toBeUndefined();
    expect(parsed.jumpHostId).toBeNull();
  });
});
