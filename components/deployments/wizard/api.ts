import type { TFitResult } from "@/lib/deployments/fit";

export type TPostResult<T> =
  | { ok: true; body: T }
  | { ok: false; status: number; error: string; fields: Record<string, string> };

export interface TPreview {
  fit: TFitResult[];
  commands: string[];
  warnings: string[];
}

export interface TCreated {
  id: string;
  operationId: string;
}

/**
 * Like components/ui/api-call's apiCall, but keeps the `fields` of a refusal, so a field the server
 * rejects is marked under its input instead of only in a banner.
 */
export async function postJson<T>(url: string, body: unknown): Promise<TPostResult<T>> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as { error?: unknown; fields?: unknown };
    if (res.ok) return { ok: true, body: json as T };
    const fields: Record<string, string> = {};
    if (typeof json.fields === "object" && json.fields !== null) {
      for (const [k, v] of Object.entries(json.fields)) if (typeof v === "string") fields[k] = v;
    }
    return {
      ok: false,
      status: res.status,
      error: typeof json.error === "string" ? json.error : `The server answered ${res.status}`,
      fields,
    };
  } catch {
    return {
      ok: false,
      status: 0,
      error: "Could not reach the WebOps server. Check your connection and try again.",
      fields: {},
    };
  }
}
