import { db } from "../db";
import { AppError, validationError } from "../errors";
import { SESSION_TOKEN_PREFIX, SESSION_TTL_MS } from "./authenticate";
import { hashPassword, verifyPassword } from "./password";
import { checkSignInAllowed, clearSignInFailures, recordSignInFailure } from "./rate-limit";
import { ZPasswordChange, ZSignIn } from "./schema";
import { newSecretToken, tokenHash } from "./secret-token";
import type { TUserView } from "./users";

/** Verified against when the email is unknown, so an unknown email costs the same time as a known one. */
let decoyHash: Promise<string> | undefined;

export interface TSignedIn {
  /** The cookie's value: shown to nobody else, stored only as its SHA-256. */
  token: string;
  expiresAt: Date;
  user: Pick<TUserView, "id" | "email" | "name" | "role">;
}

/**
 * Email and password to a new session. Wrong credentials get one message whichever was wrong;
 * repeated failures from an address or for an email are refused for a while (lib/auth/rate-limit.ts).
 */
export async function signIn(
  input: unknown,
  meta: { address: string; userAgent: string },
): Promise<TSignedIn> {
  const parsed = ZSignIn.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const { email, password } = parsed.data;
  await checkSignInAllowed(meta.address, email);
  const user = await db().user.findUnique({ where: { email } });
  decoyHash ??= hashPassword("not anybody's password, compared to keep timing even");
  const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash), password);
  if (!user || !ok || user.disabled) {
    await recordSignInFailure(meta.address, email);
    throw new AppError(
      "unauthenticated",
      user?.disabled && ok ? "This account is disabled; ask an admin" : "Wrong email or password",
    );
  }
  await clearSignInFailures(email);
  const token = newSecretToken(SESSION_TOKEN_PREFIX);
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db().$transaction([
    db().session.create({
      data: {
        id: tokenHash(token),
        userId: user.id,
        expiresAt,
        address: meta.address,
        userAgent: meta.userAgent.slice(0, 300),
      },
    }),
    db().user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } }),
    // Expired sessions are swept as new ones are made.
    db().session.deleteMany({ where: { expiresAt: { lt: new Date() } } }),
  ]);
  return { token, expiresAt, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

export async function signOut(sessionId: string): Promise<void> {
  await db().session.deleteMany({ where: { id: sessionId } });
}

/**
 * A user changes their own password, proving the current one. Their other sessions end; this one
 * (`keepSessionId`) stays signed in.
 */
export async function changeOwnPassword(
  userId: string,
  input: unknown,
  keepSessionId?: string,
): Promise<void> {
  const parsed = ZPasswordChange.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const user = await db().user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError("not_found", "No such user");
  if (!(await verifyPassword(user.passwordHash, parsed.data.current)))
    throw new AppError("validation", "The current password is wrong", { current: "Wrong password" });
  await db().$transaction([
    db().user.update({
      where: { id: userId },
      data: { passwordHash: await hashPassword(parsed.data.password) },
    }),
    db().session.deleteMany({ where: { userId, id: keepSessionId ? { not: keepSessionId } : undefined } }),
  ]);
}
