import { type NextRequest, NextResponse } from "next/server";
import { SESSION_COOKIE } from "./lib/auth/cookie-name";

/**
 * A browser without a session cookie asking for a page goes to sign-in, with the page to return to.
 * Only the cookie's presence is looked at here; every page and route handler checks the session
 * itself (lib/auth/page.ts, app/api/_lib/respond.ts).
 */
export function proxy(request: NextRequest): NextResponse {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const signIn = new URL("/signin", request.url);
  const back = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (back !== "/") signIn.searchParams.set("next", back);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Pages only: not the API, /healthz or /metrics (they answer for themselves), the sign-in page, or
  // Next's own files.
  matcher: ["/((?!api/|signin|healthz|metrics|_next/|favicon.ico|robots.txt).*)"],
};
