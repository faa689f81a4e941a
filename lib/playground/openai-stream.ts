/** What one event of an OpenAI-style chat completion stream (`data: {...}` lines) carries. */
export interface TChatChunk {
  text: string;
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number } | null;
}

/**
 * Reads one SSE `data:` payload of /v1/chat/completions with stream=true. "[DONE]" ends the stream
 * (null); a payload that is not a chunk object throws with the payload's start for the report.
 */
export function parseChatChunk(data: string): TChatChunk | null {
  if (data === "[DONE]") return null;
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    throw new Error(`The model server sent an unreadable stream event: ${data.slice(0, 200)}`);
  }
  if (typeof event !== "object" || event === null)
    throw new Error("The model server sent an empty stream event");
  const e = event as {
    choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[];
    usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
    error?: { message?: unknown } | string;
  };
  if (e.error !== undefined) {
    const message = typeof e.error === "string" ? e.error : String(e.error.message ?? "unknown error");
    throw new Error(`The model server reported an error mid-stream: ${message}`);
  }
  const choice = e.choices?.[0];
  const content = choice?.delta?.content;
  const usage = e.usage;
  return {
    text: typeof content === "string" ? content : "",
    finishReason: typeof choice?.finish_reason === "string" ? choice.finish_reason : null,
    usage:
      usage && typeof usage.completion_tokens === "number"
        ? {
            promptTokens: typeof usage.prompt_tokens === "number" ? usage.prompt_tokens : 0,
            completionTokens: usage.completion_tokens,
          }
        : null,
  };
}

/** Splits an SSE byte stream into its `data:` payloads (one per event; multi-line data joined by "\n"). */
export function sseDataSplitter(emit: (data: string) => void): { push(text: string): void; end(): void } {
  let pending = "";
  let data: string[] = [];
  const line = (raw: string): void => {
    const text = raw.replace(/\r$/, "");
    if (text === "") {
      if (data.length > 0) emit(data.join("\n"));
      data = [];
    } else if (text.startsWith("data:")) data.push(text.slice(5).replace(/^ /, ""));
  };
  return {
    push(text) {
      pending += text;
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const part of parts) line(part);
    },
    end() {
      if (pending !== "") line(pending);
      pending = "";
      line("");
    },
  };
}
