import { request as httpRequest, type IncomingMessage } from "node:http";
import type { SshConnection } from "../ssh";
import { parseChatChunk, sseDataSplitter } from "./openai-stream";

/** Where vLLM listens, as seen from its host: the bind address (a wildcard means loopback) and port. */
export interface TModelEndpoint {
  address: string;
  port: number;
  apiKey: string | undefined;
}

export interface TChatStreamResult {
  text: string;
  finishReason: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** From sending the request to the first content token; null when none came. */
  ttftMs: number | null;
  latencyMs: number;
}

/** The model server answered with an HTTP error, or the stream broke off. */
export class ModelRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "ModelRequestError";
  }
}

function errorText(status: number, body: string): string {
  let detail = body.trim().slice(0, 300);
  try {
    const parsed = JSON.parse(body) as {
      error?: { message?: string } | string;
      detail?: string;
      message?: string;
    };
    const e = parsed.error;
    detail = (typeof e === "string" ? e : e?.message) ?? parsed.detail ?? parsed.message ?? detail;
  } catch {
    // not JSON: keep the text
  }
  if (status === 401) return "The model server refused the API key (401 Unauthorized)";
  return `The model server answered ${status}${detail ? `: ${detail}` : ""}`;
}

async function readAll(res: IncomingMessage): Promise<string> {
  let body = "";
  res.setEncoding("utf8");
  for await (const chunk of res) body += chunk as string;
  return body;
}

/**
 * Sends one /v1/chat/completions request with stream=true to vLLM on its host, through a direct-tcpip
 * channel of the host's SSH connection (vLLM is often bound to the host's loopback), and reads the
 * answer as it streams. The API key travels only inside the SSH channel.
 */
export async function streamChatCompletion(
  connection: SshConnection,
  endpoint: TModelEndpoint,
  body: Record<string, unknown>,
  opts: { signal?: AbortSignal; onText?: (text: string) => void; idleTimeoutMs?: number } = {},
): Promise<TChatStreamResult> {
  const payload = Buffer.from(
    JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
  );
  const socket = await connection.openTcp(endpoint.address, endpoint.port);
  const sentAt = performance.now();
  const host = endpoint.address.includes(":") ? `[${endpoint.address}]` : endpoint.address;
  return new Promise<TChatStreamResult>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      req.destroy();
      socket.destroy();
      reject(err);
    };
    const req = httpRequest({
      method: "POST",
      path: "/v1/chat/completions",
      headers: {
        host: `${host}:${endpoint.port}`,
        "content-type": "application/json",
        "content-length": String(payload.length),
        accept: "text/event-stream",
        ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
      },
      createConnection: () => socket as unknown as import("node:net").Socket,
    });
    const idle = opts.idleTimeoutMs ?? 120_000;
    let timer = setTimeout(() => onIdle(), idle);
    const onIdle = (): void =>
      fail(new ModelRequestError(`The model server sent nothing for ${Math.round(idle / 1000)} s`, null));
    const touch = (): void => {
      clearTimeout(timer);
      timer = setTimeout(onIdle, idle);
    };
    const abort = (): void => fail(new ModelRequestError("The request was stopped", null));
    opts.signal?.addEventListener("abort", abort, { once: true });
    const cleanup = (): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", abort);
    };
    req.on("error", (err) => {
      cleanup();
      fail(new ModelRequestError(`The request to the model server failed: ${err.message}`, null));
    });
    req.on("response", (res) => {
      touch();
      if ((res.statusCode ?? 0) >= 400) {
        readAll(res).then(
          (text) => {
            cleanup();
            fail(new ModelRequestError(errorText(res.statusCode ?? 0, text), res.statusCode ?? null));
          },
          (err: Error) => fail(err),
        );
        return;
      }
      let text = "";
      let ttftMs: number | null = null;
      let finishReason: string | null = null;
      let usage: { promptTokens: number; completionTokens: number } | null = null;
      let done = false;
      const splitter = sseDataSplitter((data) => {
        if (settled) return;
        try {
          const chunk = parseChatChunk(data);
          if (chunk === null) {
            done = true;
            return;
          }
          if (chunk.text) {
            ttftMs ??= performance.now() - sentAt;
            text += chunk.text;
            opts.onText?.(chunk.text);
          }
          finishReason = chunk.finishReason ?? finishReason;
          usage = chunk.usage ?? usage;
        } catch (err) {
          cleanup();
          fail(err as Error);
        }
      });
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        touch();
        splitter.push(chunk);
      });
      res.on("error", (err) => {
        cleanup();
        fail(new ModelRequestError(`The answer broke off: ${err.message}`, null));
      });
      res.on("end", () => {
        splitter.end();
        cleanup();
        if (settled) return;
        if (!done && finishReason === null) {
          fail(new ModelRequestError("The answer ended before the model finished", null));
          return;
        }
        settled = true;
        const u = usage as { promptTokens: number; completionTokens: number } | null;
        resolve({
          text,
          finishReason,
          promptTokens: u?.promptTokens ?? null,
          completionTokens: u?.completionTokens ?? null,
          ttftMs,
          latencyMs: performance.now() - sentAt,
        });
        socket.destroy();
      });
    });
    req.end(payload);
  });
}
