import { recordAudit } from "@/lib/audit/record";
import { clientAddress } from "@/lib/auth/authenticate";
import { sessionCookie } from "@/lib/auth/cookie";
import { signIn } from "@/lib/auth/sessions";
import { AppError } from "@/lib/errors";
import { jsonBody, respondPublic } from "../../_lib/respond";

export const dynamic = "force-dynamic";

function triedEmail(body: unknown): string {
  const email = (body as { email?: unknown } | null)?.email;
  return typeof email === "string" ? email.trim().toLowerCase().slice(0, 254) : "";
}

// POST /api/auth/sign-in {email, password} - a session cookie; 401 for wrong credentials, 429 after too many
export async function POST(request: Request): Promise<Response> {
  return respondPublic(request, async ({ address, requestId }) => {
    const body = await jsonBody(request);
    try {
      const session = await signIn(body, {
        address: clientAddress(request.headers),
        userAgent: request.headers.get("user-agent") ?? "",
      });
      await recordAudit({
        actor: {
          userId: session.user.id,
          email: session.user.email,
          name: session.user.name,
          role: session.user.role,
          via: "session",
        },
        address,
        action: "auth.sign_in",
        target: `user:${session.user.email}`,
        outcome: "success",
        requestId,
      });
      return Response.json(
        { user: session.user, expiresAt: session.expiresAt.toISOString() },
        { headers: { "set-cookie": sessionCookie(request, session.token), "cache-control": "no-store" } },
      );
    } catch (err) {
      if (err instanceof AppError && err.code !== "validation")
        await recordAudit({
          actor: null,
          actorName: triedEmail(body),
          address,
          action: "auth.sign_in",
          target: `user:${triedEmail(body)}`,
          outcome: "denied",
          detail: err.message,
          requestId,
        });
      throw err;
    }
  });
}
