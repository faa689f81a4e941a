import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../errors";
import { redis } from "../redis";

/** Failed sign-ins allowed per window: per client address, and per email (spread attacks). */
const PER_ADDRESS = 20;
const PER_EMAIL = 10;
const WINDOW_S = 15 * 60;

const globalForLimits = globalThis as unknown as {
  webopsSignInLimits?: { byAddress: RateLimiterRedis; byEmail: RateLimiterRedis };
};

function limits() {
  globalForLimits.webopsSignInLimits ??= {
    byAddress: new RateLimiterRedis({
      storeClient: redis(),
      keyPrefix: "webops:signin:address",
      points: PER_ADDRESS,
      duration: WINDOW_S,
    }),
    byEmail: new RateLimiterRedis({
      storeClient: redis(),
      keyPrefix: "webops:signin:email",
      points: PER_EMAIL,
      duration: WINDOW_S,
    }),
  };
  return globalForLimits.webopsSignInLimits;
}

function refusal(waitMs: number): AppError {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  return new AppError(
    "rate_limited",
    `Too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
  );
}

/** Throws when the address or the email has used up its failures for now. */
export async function checkSignInAllowed(address: string, email: string): Promise<void> {
  const { byAddress, byEmail } = limits();
  const [a, e] = await Promise.all([byAddress.get(address || "unknown"), byEmail.get(email)]);
  for (const res of [a, e]) if (res && res.remainingPoints <= 0) throw refusal(res.msBeforeNext);
}

export async function recordSignInFailure(address: string, email: string): Promise<void> {
  const { byAddress, byEmail } = limits();
  const results = await Promise.allSettled([byAddress.consume(address || "unknown"), byEmail.consume(email)]);
  // A rejection with a RateLimiterRes only says the points ran out; the next attempt is refused.
  for (const r of results)
    if (r.status === "rejected" && !(r.reason instanceof RateLimiterRes)) throw r.reason;
}

export async function clearSignInFailures(email: string): Promise<void> {
  await limits().byEmail.delete(email);
}
