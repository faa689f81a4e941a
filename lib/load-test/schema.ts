import { z } from "zod";

/** Bounds of a load test: the form, the route and the worker apply the same. */
export const LOAD_TEST_LIMITS = {
  requests: 10_000,
  concurrency: 256,
  promptWords: 32_000,
  maxTokens: 4096,
} as const;

const whole = (name: string, min: number, max: number) =>
  z
    .number({ message: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} is at least ${min}`)
    .max(max, `${name} is at most ${max.toLocaleString("en-US")}`);

export const ZLoadTestRequestSchema = z
  .object({
    requests: whole("requests", 1, LOAD_TEST_LIMITS.requests),
    concurrency: whole("concurrency", 1, LOAD_TEST_LIMITS.concurrency),
    promptWords: whole("promptWords", 1, LOAD_TEST_LIMITS.promptWords),
    maxTokens: whole("maxTokens", 1, LOAD_TEST_LIMITS.maxTokens).default(128),
  })
  .refine((t) => t.concurrency <= t.requests, {
    path: ["concurrency"],
    message: "concurrency cannot exceed the number of requests",
  });

export type TLoadTestRequest = z.infer<typeof ZLoadTestRequestSchema>;
export type TLoadTestRequestInput = z.input<typeof ZLoadTestRequestSchema>;

/** A load test as pages and endpoints show it. */
export interface TLoadTestView {
  id: string;
  deploymentId: string;
  operationId: string;
  status: "queued" | "running" | "succeeded" | "failed" | "blocked" | "cancelled";
  error: string | null;
  requests: number;
  concurrency: number;
  promptWords: number;
  maxTokens: number;
  passed: boolean | null;
  succeeded: number;
  errors: number;
  errorMessages: string[];
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  outputTokensPerS: number | null;
  requestsPerS: number | null;
  durationMs: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface TLoadTestList {
  /** The newest passing load test: the deployment's acceptance record. */
  acceptance: TLoadTestView | null;
  items: TLoadTestView[];
}
