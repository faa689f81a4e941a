// Test and benchmark accounts: one user per role, each with an API token and a browser session,
// made in the database the way sign-in and the token endpoint make them (hashed tokens), so
// requests from tests go through the real authentication. Named as fixtures: *@test.webops.
import { SESSION_COOKIE } from "../../lib/auth/cookie-name";
import type { TRole } from "../../lib/auth/roles";

export interface TTestAccount {
  email: string;
  password: string;
  token: string;
  session: string;
}

export type TTestAccounts = Record<TRole, TTestAccount>;

export const TEST_PASSWORD = "correct horse battery staple";

/** Creates (or re-creates) the three accounts; needs DATABASE_URL in this process. */
export async function createTestAccounts(): Promise<TTestAccounts> {
  const { db } = await import("../../lib/db");
  const { hashPassword } = await import("../../lib/auth/password");
  const { newSecretToken, tokenHash } = await import("../../lib/auth/secret-token");
  const { API_TOKEN_PREFIX, SESSION_TOKEN_PREFIX, SESSION_TTL_MS } = await import(
    "../../lib/auth/authenticate"
  );
  const passwordHash = await hashPassword(TEST_PASSWORD);
  const out: Partial<TTestAccounts> = {};
  for (const role of ["admin", "operator", "viewer"] as const) {
    const email = `${role}@test.webops`;
    const user = await db().user.upsert({
      where: { email },
      create: { email, name: `Test ${role}`, role, passwordHash },
      update: { role, passwordHash, disabled: false },
    });
    const token = newSecretToken(API_TOKEN_PREFIX);
    await db().apiToken.create({
      data: {
        userId: user.id,
        name: "tests",
        role,
        tokenHash: tokenHash(token),
        prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
        expiresAt: new Date(Date.now() + 24 * 3600 * 1000),
      },
    });
    const session = newSecretToken(SESSION_TOKEN_PREFIX);
    await db().session.create({
      data: { id: tokenHash(session), userId: user.id, expiresAt: new Date(Date.now() + SESSION_TTL_MS) },
    });
    out[role] = { email, password: TEST_PASSWORD, token, session };
  }
  return out as TTestAccounts;
}

/** The accounts as environment variables, for test workers started after the global setup. */
export function accountsEnv(accounts: TTestAccounts): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [role, a] of Object.entries(accounts)) {
    env[`WEBOPS_TEST_TOKEN_${role.toUpperCase()}`] = a.token;
    env[`WEBOPS_TEST_SESSION_${role.toUpperCase()}`] = a.session;
  }
  return env;
}

export function accountFromEnv(role: TRole): { token: string; session: string } {
  const token = process.env[`WEBOPS_TEST_TOKEN_${role.toUpperCase()}`];
  const session = process.env[`WEBOPS_TEST_SESSION_${role.toUpperCase()}`];
  if (!token || !session) throw new Error(`No test account for ${role}: run under the system project`);
  return { token, session };
}

const globalForFetch = globalThis as unknown as { webopsAnonymousFetch?: typeof fetch };

/** fetch as it was before `signInFetch`: requests with no credentials at all. */
export function anonymousFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  return (globalForFetch.webopsAnonymousFetch ?? fetch)(input, init);
}

/**
 * From now on, requests from this process to `baseUrl` carry `account`'s API token and session
 * cookie (an admin's, for tests that are not about access; pages take the cookie, the API the token)
 * unless they set Authorization or Cookie themselves.
 */
export function signInFetch(baseUrl: string, account: { token: string; session: string }): void {
  const original = globalForFetch.webopsAnonymousFetch ?? globalThis.fetch;
  globalForFetch.webopsAnonymousFetch = original;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(baseUrl)) return original(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has("authorization") && !headers.has("cookie")) {
      headers.set("authorization", `Bearer ${account.token}`);
      headers.set("cookie", `${SESSION_COOKIE}=${account.session}`);
    }
    return original(input, { ...init, headers });
  };
}
