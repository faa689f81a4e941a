import { z } from "zod";

// Shared by the add-host form (in the browser), the route handler and the database write.
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const ZHostCreateSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Give the host a name")
    .max(63, "At most 63 characters")
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      "Letters, digits, dots, dashes and underscores; start with a letter or digit",
    ),
  address: z
    .string()
    .trim()
    .min(1, "Enter the host's address")
    .refine((v) => HOSTNAME.test(v) || z.ipv4().safeParse(v).success || z.ipv6().safeParse(v).success, {
      message: "Enter a host name or an IPv4/IPv6 address",
    }),
  port: z.coerce.number().int("Whole number").min(1, "1 to 65535").max(65535, "1 to 65535"),
  username: z
    .string()
    .trim()
    .min(1, "Enter the SSH user")
    .max(32, "At most 32 characters")
    .regex(/^[a-z_][a-z0-9_-]*$/, "A Linux user name: lower-case letters, digits, _ and -"),
  privateKey: z
    .string()
    .min(1, "Paste the private key")
    .max(16_384, "That is too long for an SSH private key")
    .refine((v) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v), {
      message: "Paste a private key in OpenSSH or PEM format (it starts with -----BEGIN)",
    }),
});

export type THostCreate = z.infer<typeof ZHostCreateSchema>;
export type THostCreateInput = z.input<typeof ZHostCreateSchema>;

/** What any endpoint or page may show of a host: never its credentials. */
export interface THostView {
  id: string;
  name: string;
  address: string;
  port: number;
  username: string;
  reachable: boolean | null;
  lastCheckedAt: string | null;
  facts: Record<string, unknown> | null;
  createdAt: string;
}
