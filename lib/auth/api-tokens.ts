import { db } from "../db";
import { AppError, validationError } from "../errors";
import type { TActor } from "./authenticate";
import { API_TOKEN_PREFIX } from "./authenticate";
import { roleAllows, type TRole } from "./roles";
import { ZNewApiToken } from "./schema";
import { newSecretToken, tokenHash } from "./secret-token";

export interface TApiTokenView {
  id: string;
  name: string;
  role: TRole;
  /** The first characters, to tell tokens apart. */
  prefix: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function view(row: {
  id: string;
  name: string;
  role: TRole;
  prefix: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}): TApiTokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

export async function listApiTokens(userId: string): Promise<TApiTokenView[]> {
  const rows = await db().apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  return rows.map(view);
}

/** A new token for the actor, scoped to a role no higher than theirs. The token is in the result once. */
export async function createApiToken(
  actor: TActor,
  input: unknown,
): Promise<{ token: string; apiToken: TApiTokenView }> {
  const parsed = ZNewApiToken.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { name, role, expiresInDays } = parsed.data;
  if (!roleAllows(actor.role, role))
    throw new AppError("forbidden", `A token cannot have more than your role (${actor.role})`, {
      role: `At most ${actor.role}`,
    });
  if (actor.via !== "session")
    throw new AppError("forbidden", "API tokens are made from a signed-in session, not with another token");
  const token = newSecretToken(API_TOKEN_PREFIX);
  const row = await db().apiToken.create({
    data: {
      userId: actor.userId,
      name,
      role,
      tokenHash: tokenHash(token),
      prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
      expiresAt: new Date(Date.now() + expiresInDays * 24 * 3600 * 1000),
    },
  });
  return { token, apiToken: view(row) };
}

/** Revokes one of the actor's tokens (an admin may revoke anyone's). */
export async function revokeApiToken(actor: TActor, id: string): Promise<TApiTokenView> {
  const row = await db().apiToken.findUnique({ where: { id } });
  if (!row || (row.userId !== actor.userId && actor.role !== "admin"))
    throw new AppError("not_found", "No such API token");
  const updated = row.revokedAt
    ? row
    : await db().apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
  return view(updated);
}
