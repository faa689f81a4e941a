/** The session cookie's name (lib/auth/authenticate.ts), alone so the proxy imports nothing else. */
export const SESSION_COOKIE = "webops_session";
