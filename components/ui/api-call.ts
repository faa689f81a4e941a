/** A JSON call to the WebOps API; resolves to the body, or to the operator-facing error. */
export async function apiCall<T>(
  url: string,
  init: { method: string; body?: unknown },
): Promise<{ ok: true; body: T } | { ok: false; error: string; status: number }> {
  try {
    const res = await fetch(url, {
      method: init.method,
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const body = res.status === 204 ? {} : ((await res.json().catch(() => ({}))) as { error?: string });
    if (!res.ok)
      return { ok: false, status: res.status, error: body.error ?? `The server answered ${res.status}` };
    return { ok: true, body: body as T };
  } catch {
    return {
      ok: false,
      status: 0,
      error: "Could not reach the WebOps server. Check your connection and try again.",
    };
  }
}
