import { z } from "zod";

/** Bounds of a playground request; the form and the route share them. */
export const CHAT_LIMITS = { messages: 100, contentChars: 32_000, maxTokens: 8192 } as const;

export const ZChatMessageSchema = z.object({
  role: z.enum(["system", "user", "assistant"], { message: "role must be system, user or assistant" }),
  content: z
    .string({ message: "content must be text" })
    .min(1, "A message cannot be empty")
    .max(CHAT_LIMITS.contentChars, `A message is at most ${CHAT_LIMITS.contentChars} characters`),
});

export const ZChatRequestSchema = z.object({
  messages: z
    .array(ZChatMessageSchema, { message: "messages must be a list of {role, content}" })
    .min(1, "Send at least one message")
    .max(CHAT_LIMITS.messages, `At most ${CHAT_LIMITS.messages} messages`)
    .refine((m) => m.some((x) => x.role === "user"), "Send at least one user message"),
  max_tokens: z
    .number({ message: "max_tokens must be a number" })
    .int("max_tokens must be a whole number")
    .min(1, "max_tokens is at least 1")
    .max(CHAT_LIMITS.maxTokens, `max_tokens is at most ${CHAT_LIMITS.maxTokens}`)
    .default(256),
  temperature: z
    .number({ message: "temperature must be a number" })
    .min(0, "temperature is at least 0")
    .max(2, "temperature is at most 2")
    .default(0.7),
});

export type TChatRequest = z.infer<typeof ZChatRequestSchema>;
export type TChatRequestInput = z.input<typeof ZChatRequestSchema>;
export type TChatMessage = z.infer<typeof ZChatMessageSchema>;

/** What the chat route streams to the browser, one Server-Sent Event each. */
export type TChatEvent =
  | { type: "delta"; text: string }
  | {
      type: "done";
      finishReason: string | null;
      promptTokens: number | null;
      completionTokens: number | null;
      ttftMs: number | null;
      latencyMs: number;
    }
  | { type: "error"; message: string };
