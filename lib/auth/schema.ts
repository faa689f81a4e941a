import { z } from "zod";
import { ROLES } from "./roles";

// Shared by the forms (in the browser) and the route handlers.

export const ZEmail = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, "Enter an email address")
  .max(254, "At most 254 characters")
  .regex(/^[^\s@<>"'`;\\]+@[^\s@<>"'`;\\]+$/, "Enter an email address like ada@example.com");

export const ZPassword = z.string().min(12, "At least 12 characters").max(256, "At most 256 characters");

export const ZRole = z.enum(ROLES, { message: `A role: ${ROLES.join(", ")}` });

export const ZSignIn = z.object({
  email: ZEmail,
  // Any length is checked against the stored hash; only absurd input is refused outright.
  password: z.string().min(1, "Enter your password").max(256, "At most 256 characters"),
});

export const ZNewUser = z.object({
  email: ZEmail,
  name: z.string().trim().max(100, "At most 100 characters").default(""),
  role: ZRole,
  password: ZPassword,
});

export const ZUserChange = z
  .object({
    name: z.string().trim().max(100, "At most 100 characters").optional(),
    role: ZRole.optional(),
    disabled: z.boolean().optional(),
    password: ZPassword.optional(),
  })
  .strict();

export const ZNewApiToken = z.object({
  name: z.string().trim().min(1, "Name the token (what uses it)").max(100, "At most 100 characters"),
  role: ZRole,
  expiresInDays: z.coerce
    .number({ message: "Days until it expires: a number" })
    .int("Days until it expires: a whole number")
    .min(1, "At least 1 day")
    .max(365, "At most 365 days"),
});

export const ZPasswordChange = z.object({
  current: z.string().min(1, "Enter your current password").max(256, "At most 256 characters"),
  password: ZPassword,
});

export type TSignIn = z.infer<typeof ZSignIn>;
export type TNewUser = z.infer<typeof ZNewUser>;
export type TNewApiToken = z.infer<typeof ZNewApiToken>;
