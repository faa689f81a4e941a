import { z } from "zod";

// Shared by the host form (in the browser), the route handlers and the database writes.
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const LABEL = /^[a-z0-9][a-z0-9._:-]{0,31}$/;

const ZLabels = z
  .union([z.string(), z.array(z.string())])
  .default([])
  .transform((v) =>
    (typeof v === "string" ? v.split(/[\s,]+/) : v).map((l) => l.trim().toLowerCase()).filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().regex(LABEL, "Labels: lower-case letters, digits, . _ : -, up to 32 characters each"))
      .max(16, "At most 16 labels")
      .transform((labels) => [...new Set(labels)]),
  );

const ZDeployPath = z
  .string()
  .trim()
  .default("~/webops")
  .transform((v) => (v === "" ? "~/webops" : v))
  .pipe(
    z
      .string()
      .max(255, "At most 255 characters")
      .regex(/^(\/|~\/)[^\0\n\r]*$/, "An absolute path, or one under the user's home starting with ~/")
      .refine((v) => !v.split("/").includes(".."), "No .. in the path"),
  );

const ZOptionalText = (max: number, tooLong: string) =>
  z
    .string()
    .max(max, tooLong)
    .optional()
    .transform((v) => (v === undefined || v === "" ? undefined : v));

const ZPrivateKey = z
  .string()
  .max(16_384, "That is too long for an SSH private key")
  .refine((v) => v === "" || /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v), {
    message: "Paste a private key in OpenSSH or PEM format (it starts with -----BEGIN)",
  });

export const HOST_AUTH_CHOICES = ["key", "password", "generate"] as const;

/** Every field of the host form. Credentials may be left empty on edit to keep the stored ones. */
export const ZHostFormSchema = z.object({
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
  port: z.coerce
    .number({ message: "A port number, 1 to 65535" })
    .int("Whole number")
    .min(1, "1 to 65535")
    .max(65535, "1 to 65535")
    .default(22),
  username: z
    .string()
    .trim()
    .min(1, "Enter the SSH user")
    .max(32, "At most 32 characters")
    .regex(/^[a-z_][a-z0-9_-]*$/, "A Linux user name: lower-case letters, digits, _ and -"),
  labels: ZLabels,
  deployPath: ZDeployPath,
  /**
   * How many deployments may run on the host at once; the others wait in line. At most 8: a worker
   * runs a host's commands over one SSH connection of WEBOPS_SSH_MAX_CHANNELS (8) channels.
   */
  deployConcurrency: z.coerce
    .number({ message: "A number, 1 to 8" })
    .int("Whole number")
    .min(1, "1 to 8")
    .max(8, "1 to 8")
    .default(1),
  jumpHostId: z
    .string()
    .nullish()
    .transform((v) => (v === undefined || v === null || v === "" ? null : v)),
  /** A fingerprint, public key or known_hosts line to pin before the first connection. */
  expectedHostKey: ZOptionalText(8192, "That is too long for a host key"),
  auth: z.enum(HOST_AUTH_CHOICES, { message: "Choose how WebOps logs in" }).default("key"),
  privateKey: ZPrivateKey.optional().transform((v) => (v === undefined || v === "" ? undefined : v)),
  passphrase: ZOptionalText(1024, "At most 1024 characters"),
  password: ZOptionalText(1024, "At most 1024 characters"),
});

export type THostForm = z.infer<typeof ZHostFormSchema>;
export type THostFormInput = z.input<typeof ZHostFormSchema>;

export type THostStatus =
  | "disabled"
  | "host_key_changed"
  | "host_key_unverified"
  | "reachable"
  | "unreachable"
  | "unchecked";

export type TPrereqState = "ready" | "missing" | "broken" | "blocked" | "unsupported";

/** What any endpoint or page may show of a host: never its credentials. */
export interface THostView {
  id: string;
  name: string;
  address: string;
  port: number;
  username: string;
  labels: string[];
  deployPath: string;
  deployConcurrency: number;
  disabled: boolean;
  jumpHost: { id: string; name: string } | null;
  authMethod: "key" | "password";
  /** Whether a passphrase / password is stored; never the value. */
  hasPassphrase: boolean;
  /** The public key line to put in authorized_keys (for key auth). */
  publicKey: string | null;
  keyGenerated: boolean;
  hostKey: {
    pinned: string | null;
    pinnedType: string | null;
    trustedAt: string | null;
    /** A key the host presented that is not trusted (first contact, or changed). */
    seen: string | null;
    seenType: string | null;
    seenAt: string | null;
  };
  status: THostStatus;
  reachable: boolean | null;
  lastCheckedAt: string | null;
  lastError: string | null;
  facts: Record<string, unknown> | null;
  /** The latest prerequisites verdict, when a run has ended. */
  prerequisites: { profile: string; state: TPrereqState; checkedAt: string } | null;
  activeOperations: number;
  createdAt: string;
  updatedAt: string;
}
