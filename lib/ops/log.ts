/**
 * Structured logs: one JSON object per line on stdout (info) or stderr (warn, error), with a time,
 * a level, the process's role and whatever fields the caller names (request id, job, operation).
 * Never pass a secret: values go out as they are.
 */
export type TLogLevel = "info" | "warn" | "error";

const ROLE = process.env.WEBOPS_PROCESS_ROLE ?? "web";

// A reader of stdout or stderr that went away (a closed pipe) must not end the process: console
// ignored such errors, a direct write reports them on the stream.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

export function logEvent(level: TLogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const line = `${JSON.stringify({ time: new Date().toISOString(), level, role: ROLE, msg, ...fields })}\n`;
  // Straight to the stream: the web app's console is wrapped by Next.js, and going through it cost
  // about 3% of the web app's CPU under bench:load's API phase (a line per request).
  if (level === "info") process.stdout.write(line);
  else process.stderr.write(line);
}
