import { randomUUID } from "node:crypto";
import { recordAudit, type TAuditOutcome } from "@/lib/audit/record";
import {
  authenticate,
  clientAddress,
  crossSiteRefusal,
  isMutating,
  type TActor,
} from "@/lib/auth/authenticate";
import { roleAllows, type TRole } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { logEvent } from "@/lib/ops/log";
import { runWithRequest } from "@/lib/ops/request-context";

const STATUS: Record<AppError["code"], number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

/**
 * Who may call a route handler: the least role it needs, and the audit action it records (e.g.
 * "deployment.stop") with its target. A mutating request is always audited, named or not: one
 * without a name is recorded as its method and path; a read with a name is audited too (exports).
 * `readOnly` marks a POST that changes nothing (a preview of commands): not audited.
 */
export type TAccess =
  | TRole
  | { role: TRole; audit: string; target?: string }
  | { role: TRole; readOnly: true };

/** What a handler's work gets: the actor, and where to note what it acted on for the audit log. */
export interface TRouteContext {
  actor: TActor;
  address: string;
  requestId: string;
  /** The work may name what it acted on (a new record's id) and what changed (never a secret). */
  audit: { target?: string; detail?: string };
}

/** A request id: the caller's X-Request-Id when it is a sane token, else a new one. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : randomUUID();
}

function errorResponse(err: unknown, requestId: string): Response {
  if (err instanceof AppError) {
    return Response.json(
      { error: err.message, fields: err.fields },
      {
        status: STATUS[err.code],
        headers: err.code === "unauthenticated" ? { "www-authenticate": 'Bearer realm="webops"' } : undefined,
      },
    );
  }
  logEvent("error", "request failed", { requestId, error: (err as Error).message });
  return Response.json({ error: "Internal error; see the web app's log" }, { status: 500 });
}

function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set("x-request-id", requestId);
  } catch {
    // A response with immutable headers (a redirect) goes out as it is.
  }
  return response;
}

function outcomeOf(status: number): TAuditOutcome {
  if (status < 400) return "success";
  return status === 401 || status === 403 ? "denied" : "failure";
}

/**
 * The one gate of every route handler: authenticates the request (session cookie or API token),
 * checks the role, refuses cross-site mutating requests, runs the work, turns domain errors into
 * HTTP responses (unknown errors are not leaked), and records every mutating request in the audit
 * log with its outcome.
 */
export async function respond(
  request: Request,
  access: TAccess,
  work: (ctx: TRouteContext) => Promise<Response>,
): Promise<Response> {
  const requestId = requestIdOf(request);
  const started = performance.now();
  const address = clientAddress(request.headers);
  const need = typeof access === "string" ? access : access.role;
  const mutating = isMutating(request.method);
  const named = typeof access === "object" && "audit" in access ? access : undefined;
  const audited = named !== undefined || (mutating && !(typeof access === "object" && "readOnly" in access));
  const note: TRouteContext["audit"] = { target: named?.target };
  let actor: TActor | null = null;
  let response: Response;
  let failure: string | undefined;
  try {
    actor = await authenticate(request.headers);
    if (!actor)
      throw new AppError("unauthenticated", "Sign in, or send an API token (Authorization: Bearer ...)");
    if (mutating && actor.via === "session") {
      const refusal = crossSiteRefusal(request.headers, request.url);
      if (refusal) throw new AppError("forbidden", refusal);
    }
    if (!roleAllows(actor.role, need))
      throw new AppError("forbidden", `This needs the ${need} role; you are ${actor.role}`);
    refuseNul(request.url);
    const ctx = { actor, address, requestId, audit: note };
    response = await runWithRequest({ requestId }, () => work(ctx));
  } catch (err) {
    failure = err instanceof AppError ? err.message : "internal error";
    response = errorResponse(err, requestId);
  }
  if (audited) {
    const path = new URL(request.url).pathname;
    await recordAudit({
      actor,
      address,
      action: named?.audit ?? `${request.method} ${path}`,
      target: note.target ?? path,
      outcome: outcomeOf(response.status),
      detail: failure ?? note.detail,
      requestId,
    });
  }
  logRequest(request, response.status, started, requestId, actor?.email);
  return withRequestId(response, requestId);
}

/** One structured line per API request: what, who, how it ended and how long it took. */
function logRequest(
  request: Request,
  status: number,
  started: number,
  requestId: string,
  actor?: string,
): void {
  logEvent(status >= 500 ? "error" : "info", "request", {
    requestId,
    method: request.method,
    path: new URL(request.url).pathname,
    status,
    ms: Math.round((performance.now() - started) * 10) / 10,
    actor,
  });
}

/**
 * A route anyone may call (sign-in, the liveness check): errors as in `respond`, no actor. Mutating
 * ones audit themselves.
 */
export async function respondPublic(
  request: Request,
  work: (ctx: { address: string; requestId: string }) => Promise<Response>,
): Promise<Response> {
  const requestId = requestIdOf(request);
  const started = performance.now();
  let response: Response;
  try {
    response = await runWithRequest({ requestId }, () =>
      work({ address: clientAddress(request.headers), requestId }),
    );
  } catch (err) {
    response = errorResponse(err, requestId);
  }
  logRequest(request, response.status, started, requestId);
  return withRequestId(response, requestId);
}

/** PostgreSQL cannot store a NUL character; no id, filter or field of WebOps has a use for one. */
function refuseNul(url: string): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(new URL(url).pathname + new URL(url).search.replace(/\+/g, " "));
  } catch {
    throw new AppError("validation", "The address holds a malformed %-escape");
  }
  if (decoded.includes("\u0000")) throw new AppError("validation", "The address holds a NUL character");
}

function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > 64 || typeof value !== "object" || value === null) return false;
  for (const [k, v] of Object.entries(value)) if (k.includes("\u0000") || holdsNul(v, depth + 1)) return true;
  return false;
}

export async function jsonBody(request: Request): Promise<unknown> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new AppError("validation", "The request body must be JSON");
  }
  if (holdsNul(body))
    throw new AppError(
      "validation",
      "The request body holds a NUL character (\\u0000); no field accepts one",
    );
  return body;
}
