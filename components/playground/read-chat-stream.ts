import type { TChatEvent } from "@/lib/playground/schema";

/** Reads the chat route's Server-Sent Events from a fetch response, calling `onEvent` for each. */
export async function readChatStream(res: Response, onEvent: (event: TChatEvent) => void): Promise<void> {
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    const events = pending.split("\n\n");
    pending = events.pop() ?? "";
    for (const event of events)
      if (event.startsWith("data: ")) onEvent(JSON.parse(event.slice(6)) as TChatEvent);
  }
}
