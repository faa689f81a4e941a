import { db } from "../db";
import { AppError, validationError } from "../errors";
import type { Role } from "../generated/prisma/client";
import { hashPassword } from "./password";
import type { TRole } from "./roles";
import { ZNewUser, ZUserChange } from "./schema";

/** A user as every endpoint shows them: never the password hash. */
export interface TUserView {
  id: string;
  email: string;
  name: string;
  role: TRole;
  disabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

const VIEW = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabled: true,
  createdAt: true,
  lastSignInAt: true,
} as const;

function view(row: {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  lastSignInAt: Date | null;
}): TUserView {
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
  };
}

export async function listUsers(): Promise<TUserView[]> {
  const rows = await db().user.findMany({ select: VIEW, orderBy: { createdAt: "asc" } });
  return rows.map(view);
}

export async function createUser(input: unknown): Promise<TUserView> {
  const parsed = ZNewUser.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { email, name, role, password } = parsed.data;
  if (await db().user.findUnique({ where: { email }, select: { id: true } }))
    throw new AppError("conflict", `A user with the email ${email} already exists`, {
      email: "Already in use",
    });
  const row = await db().user.create({
    data: { email, name, role, passwordHash: await hashPassword(password) },
    select: VIEW,
  });
  return view(row);
}

/**
 * Changes a user's name, role, password or disabled flag. The last enabled admin cannot be demoted
 * or disabled: the panel would have no one left to manage it. A new role, a new password or
 * disabling ends the user's sessions (their API tokens stop at once too, being checked against
 * the user on every request).
 */
export async function changeUser(id: string, input: unknown, actorId: string): Promise<TUserView> {
  const parsed = ZUserChange.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const change = parsed.data;
  const user = await db().user.findUnique({ where: { id }, select: VIEW });
  if (!user) throw new AppError("not_found", "No such user");
  const losesAdmin =
    user.role === "admin" &&
    !user.disabled &&
    ((change.role !== undefined && change.role !== "admin") || change.disabled === true);
  if (losesAdmin) {
    const admins = await db().user.count({ where: { role: "admin", disabled: false } });
    if (admins <= 1)
      throw new AppError(
        "conflict",
        "This is the last enabled admin; make another user admin first",
        change.role !== undefined ? { role: "The last admin" } : { disabled: "The last admin" },
      );
  }
  if (id === actorId && change.disabled === true)
    throw new AppError("conflict", "You cannot disable yourself", { disabled: "Yourself" });
  const row = await db().user.update({
    where: { id },
    data: {
      name: change.name,
      role: change.role,
      disabled: change.disabled,
      passwordHash: change.password !== undefined ? await hashPassword(change.password) : undefined,
    },
    select: VIEW,
  });
  const endsSessions =
    (change.role !== undefined && change.role !== user.role) ||
    change.password !== undefined ||
    change.disabled === true;
  if (endsSessions) await db().session.deleteMany({ where: { userId: id } });
  return view(row);
}

/**
 * The first start: when there is no user yet, an admin with `email` and the given password (or a
 * generated one, which the caller prints once). Returns null when users exist already.
 */
export async function bootstrapAdmin(
  email: string,
  password: string,
): Promise<{ email: string; created: true } | null> {
  if ((await db().user.count()) > 0) return null;
  const parsed = ZNewUser.safeParse({ email, name: "Administrator", role: "admin", password });
  if (!parsed.success) throw validationError(parsed.error.issues, "The first admin's settings are not valid");
  await db().user.create({
    data: {
      email: parsed.data.email,
      name: parsed.data.name,
      role: "admin",
      passwordHash: await hashPassword(parsed.data.password),
    },
  });
  return { email: parsed.data.email, created: true };
}
