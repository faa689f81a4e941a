import { db } from "../db";
import { pgPool } from "../pg-pool";
import { SESSION_COOKIE } from "./cookie-name";
import type { TRole } from "./roles";
import { roleAllows } from "./roles";
import { tokenHash } from "./secret-token";

/** Who is asking, as every route handler, page and event stream sees them. */
export interface TActor {
  userId: string;
  email: string;
  name: string;
  /** The role this request acts with: the user's, or an API token's scope if lower. */
  role: TRole;
  /** "session", or "token:<id>" for an API token. */
  via: string;
  /** Only for a session: the cookie's session id (its token's SHA-256), for signing out. */
  sessionId?: string;
}

/** The session cookie holds a random token (lib/auth/secret-token.ts) whose SHA-256 is the Session id. */
export { SESSION_COOKIE } from "./cookie-name";
export const SESSION_TOKEN_PREFIX = "ws_";
export const API_TOKEN_PREFIX = "wo_";
/** How long a session lasts after sign-in. */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
/** An API token's lastUsedAt is written at most this often. */
const LAST_USED_EVERY_MS = 60_000;

export function cookieValue(cookieHeader: string | null, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function bearerToken(headers: Headers): string | undefined {
  const value = headers.get("authorization");
  if (!value) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(value.trim());
  return m?.[1];
}

interface TActorRow {
  userId: string;
  email: string;
  name: string;
  role: TRole;
  tokenId: string;
  tokenRole: string;
  /** Milliseconds since the token was last used (null: never). */
  sinceUsedMs: number | null;
}

/**
 * A live API token's user: not revoked, not expired, the user not disabled. Prisma stores times as
 * UTC in columns without a zone, so they are compared with now() in UTC, whatever the server's zone.
 */
const TOKEN_ACTOR = `
  SELECT u.id AS "userId", u.email, u.name, u.role::text AS role,
         t.id AS "tokenId", t.role::text AS "tokenRole",
         (EXTRACT(EPOCH FROM ((now() AT TIME ZONE 'UTC') - t."lastUsedAt")) * 1000)::float8 AS "sinceUsedMs"
  FROM "ApiToken" t JOIN "User" u ON u.id = t."userId"
  WHERE t."tokenHash" = $1 AND t."revokedAt" IS NULL AND t."expiresAt" > (now() AT TIME ZONE 'UTC')
    AND NOT u.disabled`;

/** A live session's user. */
const SESSION_ACTOR = `
  SELECT u.id AS "userId", u.email, u.name, u.role::text AS role
  FROM "Session" s JOIN "User" u ON u.id = s."userId"
  WHERE s.id = $1 AND s."expiresAt" > (now() AT TIME ZONE 'UTC') AND NOT u.disabled`;

function lower(a: TRole, b: TRole): TRole {
  return roleAllows(a, b) ? b : a;
}

/**
 * The actor of a request: an API token (`Authorization: Bearer wo_...`) or a session cookie. A
 * token or session that is unknown, expired, revoked, or whose user is disabled is nobody.
 */
export async function authenticate(headers: Headers): Promise<TActor | null> {
  // One indexed statement per request, straight through `pg`: every request pays for it.
  const bearer = bearerToken(headers);
  if (bearer !== undefined) {
    if (!bearer.startsWith(API_TOKEN_PREFIX)) return null;
    const { rows } = await pgPool().query(TOKEN_ACTOR, [tokenHash(bearer)]);
    const token = rows[0] as TActorRow | undefined;
    if (!token) return null;
    if (token.sinceUsedMs === null || token.sinceUsedMs > LAST_USED_EVERY_MS)
      await db().apiToken.update({ where: { id: token.tokenId }, data: { lastUsedAt: new Date() } });
    return {
      userId: token.userId,
      email: token.email,
      name: token.name,
      role: lower(token.role, token.tokenRole as TRole),
      via: `token:${token.tokenId}`,
    };
  }
  const cookie = cookieValue(headers.get("cookie"), SESSION_COOKIE);
  if (!cookie?.startsWith(SESSION_TOKEN_PREFIX)) return null;
  const id = tokenHash(cookie);
  const { rows } = await pgPool().query(SESSION_ACTOR, [id]);
  const session = rows[0] as TActorRow | undefined;
  if (!session) return null;
  return {
    userId: session.userId,
    email: session.email,
    name: session.name,
    role: session.role,
    via: "session",
    sessionId: id,
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isMutating(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Cross-site request forgery: a mutating request that a session cookie authenticates must come
 * from the panel's own pages. Browsers say where a request comes from (Sec-Fetch-Site, Origin);
 * one from another site is refused. API tokens are not sent by browsers on their own, so requests
 * carrying one need no such check. The session cookie is also SameSite=Lax.
 */
export function crossSiteRefusal(headers: Headers, requestUrl: string): string | null {
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none")
    return "Cross-site requests cannot change anything; use the panel or an API token";
  const origin = headers.get("origin");
  if (!origin) return null;
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? new URL(requestUrl).host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return "The request's Origin is not a URL";
  }
  return originHost === host
    ? null
    : "Cross-site requests cannot change anything; use the panel or an API token";
}

/** The client's address as the web app's server saw it (Next's server sets X-Forwarded-For). */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  const first = forwarded?.split(",").at(-1)?.trim();
  return (first ?? headers.get("x-real-ip") ?? "").slice(0, 100);
}
