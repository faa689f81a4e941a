import { describe, expect, it } from "vitest";
import { ZHostCreateSchema } from "@/lib/hosts/schema";

const valid = {
  name: "gpu-box-1",
  address: "10.0.0.12",
  port: "22",
  username: "deploy",
  privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n",
};

function fieldErrors(input: Record<string, unknown>): Record<string, string> {
  const result = ZHostCreateSchema.safeParse(input);
  return result.success
    ? {}
    : Object.fromEntries(result.error.issues.map((i) => [String(i.path[0]), i.message]));
}

describe("host form and API schema", () => {
  it("accepts a host name, IPv4 or IPv6 address and coerces the port", () => {
    expect(ZHostCreateSchema.parse(valid).port).toBe(22);
    expect(ZHostCreateSchema.safeParse({ ...valid, address: "gpu1.lab.example" }).success).toBe(true);
    expect(ZHostCreateSchema.safeParse({ ...valid, address: "fd00::12" }).success).toBe(true);
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
