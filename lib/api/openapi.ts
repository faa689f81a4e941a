import { z } from "zod";
import type { TRole } from "../auth/roles";
import { ZNewApiToken, ZNewUser, ZPasswordChange, ZSignIn, ZUserChange } from "../auth/schema";
import { ZCreateDeploymentBody } from "../deployments/create-deployment";
import { ZUndeployOptionsSchema } from "../deployments/lifecycle-rules";
import { ZDeploymentSpec } from "../deployments/schema";
import { ZHostFormSchema } from "../hosts/schema";
import { ZLoadTestRequestSchema } from "../load-test/schema";
import { ZChatRequestSchema } from "../playground/schema";
import { PREREQ_PROFILE_IDS } from "../prerequisites/profiles";
import { ZWebhookInputSchema, ZWebhookUpdateSchema } from "../webhooks/schema";

/**
 * The REST API as OpenAPI 3.1, served at /api/openapi.json. Request bodies come from the same zod
 * schemas the route handlers validate with, so the description cannot drift from what is enforced;
 * a test checks that every route handler of the app is described and nothing else.
 */
interface TOperation {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  /** The least role; null for a public route. */
  role: TRole | null;
  body?: z.ZodType;
  query?: { name: string; description: string }[];
  /** Its answer, when it is not JSON. */
  produces?: string;
}

const ZOptionalActionBody = z.object({}).passthrough().describe("Optional: {} or no body");

const OPERATIONS: TOperation[] = [
  {
    method: "post",
    path: "/api/auth/sign-in",
    summary: "Sign in; sets the session cookie",
    role: null,
    body: ZSignIn,
  },
  { method: "post", path: "/api/auth/sign-out", summary: "End this session", role: "viewer" },
  { method: "get", path: "/api/auth/me", summary: "Who the request acts as", role: "viewer" },
  {
    method: "post",
    path: "/api/auth/password",
    summary: "Change your own password",
    role: "viewer",
    body: ZPasswordChange,
  },
  {
    method: "get",
    path: "/api/tokens",
    summary: "Your API tokens (never the tokens themselves)",
    role: "viewer",
  },
  {
    method: "post",
    path: "/api/tokens",
    summary: "A new API token, in this answer only",
    role: "viewer",
    body: ZNewApiToken,
  },
  { method: "delete", path: "/api/tokens/{id}", summary: "Revoke an API token", role: "viewer" },
  { method: "get", path: "/api/users", summary: "Every user", role: "admin" },
  { method: "post", path: "/api/users", summary: "Add a user", role: "admin", body: ZNewUser },
  {
    method: "patch",
    path: "/api/users/{id}",
    summary: "Change a user's name, role, password or disabled flag",
    role: "admin",
    body: ZUserChange,
  },
  {
    method: "get",
    path: "/api/audit",
    summary: "The audit log, newest first",
    role: "admin",
    query: [
      { name: "actor", description: "Email, or part of it" },
      { name: "action", description: "Action prefix, e.g. deployment." },
      { name: "target", description: "Part of the target, e.g. a deployment id" },
      { name: "outcome", description: "success, denied or failure" },
      { name: "from", description: "First day, YYYY-MM-DD" },
      { name: "to", description: "Last day, YYYY-MM-DD" },
      { name: "before", description: "Entries older than this id (the previous page's nextBefore)" },
      { name: "limit", description: "1 to 200 (default 50)" },
    ],
  },
  { method: "get", path: "/api/health", summary: "Liveness: database and Redis", role: null },
  { method: "get", path: "/api/openapi.json", summary: "This document", role: null },
  { method: "get", path: "/api/hosts", summary: "Hosts (never their credentials)", role: "viewer" },
  { method: "post", path: "/api/hosts", summary: "Add a host", role: "admin", body: ZHostFormSchema },
  {
    method: "get",
    path: "/api/hosts/{id}",
    summary: "One host, with facts and prerequisite state",
    role: "viewer",
  },
  {
    method: "patch",
    path: "/api/hosts/{id}",
    summary: "Change a host",
    role: "admin",
    body: ZHostFormSchema.partial(),
  },
  { method: "delete", path: "/api/hosts/{id}", summary: "Delete a host with no work queued", role: "admin" },
  {
    method: "post",
    path: "/api/hosts/{id}/checks",
    summary: "Connect and gather facts (an operation)",
    role: "operator",
  },
  {
    method: "put",
    path: "/api/hosts/{id}/disabled",
    summary: "Disable or enable a host",
    role: "admin",
    body: z.object({ disabled: z.boolean() }),
  },
  {
    method: "post",
    path: "/api/hosts/{id}/host-key",
    summary: "Approve the host key with this fingerprint",
    role: "admin",
    body: z.object({ fingerprint: z.string() }),
  },
  {
    method: "post",
    path: "/api/hosts/{id}/prerequisites",
    summary: "Check, or check and install, the system prerequisites of a profile (an operation)",
    role: "operator",
    body: z.object({ profile: z.enum(PREREQ_PROFILE_IDS), mode: z.enum(["check", "install"]) }),
  },
  {
    method: "get",
    path: "/api/deployments",
    summary: "History: filtered, searchable in logs, paginated by cursor",
    role: "viewer",
    query: [
      { name: "status", description: "One or more statuses, comma-separated" },
      { name: "host", description: "Host id" },
      { name: "model", description: "Model name" },
      { name: "user", description: "Who started it" },
      { name: "from", description: "First day, YYYY-MM-DD" },
      { name: "to", description: "Last day, YYYY-MM-DD" },
      { name: "q", description: "Text to find in the deployment's log" },
      { name: "cursor", description: "The previous page's nextCursor" },
      { name: "limit", description: "Rows per page" },
    ],
  },
  {
    method: "post",
    path: "/api/deployments",
    summary: "Record and queue a deployment",
    role: "operator",
    body: ZCreateDeploymentBody.extend({ spec: ZDeploymentSpec }),
  },
  {
    method: "post",
    path: "/api/deployments/preview",
    summary: "The fit check and exact commands of a configuration; changes nothing",
    role: "operator",
    body: ZDeploymentSpec,
  },
  {
    method: "get",
    path: "/api/deployments/compare",
    summary: "Two deployments' configurations side by side",
    role: "viewer",
    query: [
      { name: "a", description: "Deployment id" },
      { name: "b", description: "Deployment id" },
    ],
  },
  {
    method: "get",
    path: "/api/deployments/{id}",
    summary: "A deployment: stages, configuration, outcome",
    role: "viewer",
  },
  {
    method: "post",
    path: "/api/deployments/{id}/cancel",
    summary: "Cancel: stops the remote process group",
    role: "operator",
  },
  {
    method: "post",
    path: "/api/deployments/{id}/retry",
    summary: "Resume from the failed stage",
    role: "operator",
  },
  {
    method: "post",
    path: "/api/deployments/{id}/redeploy",
    summary: "Deploy the same configuration again",
    role: "operator",
  },
  {
    method: "post",
    path: "/api/deployments/{id}/rollback",
    summary: "Redeploy the last configuration that reached running",
    role: "operator",
  },
  {
    method: "post",
    path: "/api/deployments/{id}/stop",
    summary: "Stop the service",
    role: "operator",
    body: ZOptionalActionBody,
  },
  {
    method: "post",
    path: "/api/deployments/{id}/start",
    summary: "Start the service",
    role: "operator",
    body: ZOptionalActionBody,
  },
  {
    method: "post",
    path: "/api/deployments/{id}/restart",
    summary: "Restart the service",
    role: "operator",
    body: ZOptionalActionBody,
  },
  {
    method: "post",
    path: "/api/deployments/{id}/undeploy",
    summary: "Stop the service; optionally remove its environment and model cache",
    role: "operator",
    body: ZUndeployOptionsSchema,
  },
  {
    method: "get",
    path: "/api/deployments/{id}/actions",
    summary: "Its stop, start, restart and undeploy history",
    role: "viewer",
  },
  {
    method: "get",
    path: "/api/deployments/{id}/health",
    summary: "Health now and its changes",
    role: "viewer",
  },
  {
    method: "get",
    path: "/api/deployments/{id}/metrics",
    summary: "Metric series over a window",
    role: "viewer",
    query: [{ name: "window", description: "15m, 1h, 6h or 24h" }],
  },
  {
    method: "post",
    path: "/api/deployments/{id}/chat",
    summary: "A chat completion from the model, streamed",
    role: "operator",
    body: ZChatRequestSchema,
    produces: "text/event-stream",
  },
  { method: "get", path: "/api/deployments/{id}/load-tests", summary: "Its load tests", role: "viewer" },
  {
    method: "post",
    path: "/api/deployments/{id}/load-tests",
    summary: "Run a load test (an operation)",
    role: "operator",
    body: ZLoadTestRequestSchema,
  },
  {
    method: "get",
    path: "/api/deployments/{id}/exports/{format}",
    summary: "compose, kubernetes or systemd; secrets by name only",
    role: "viewer",
    produces: "text/plain",
  },
  {
    method: "get",
    path: "/api/operations",
    summary: "Every operation (checks, prerequisite runs, deployments, actions, load tests), newest first",
    role: "viewer",
    query: [
      {
        name: "kind",
        description: "One or more kinds, comma-separated (host_check, prerequisites, deploy, ...)",
      },
      { name: "status", description: "One or more statuses, comma-separated" },
      { name: "host", description: "Host id" },
      { name: "user", description: "Who started it" },
      { name: "from", description: "First day, YYYY-MM-DD" },
      { name: "to", description: "Last day, YYYY-MM-DD" },
      { name: "q", description: "Text to find in the operation's log" },
      { name: "cursor", description: "The previous page's nextCursor" },
      { name: "limit", description: "Rows per page (1 to 100)" },
    ],
  },
  {
    method: "get",
    path: "/api/operations/{id}",
    summary: "An operation: status, stages, error",
    role: "viewer",
  },
  {
    method: "post",
    path: "/api/operations/{id}/resume",
    summary: "Resume a blocked operation",
    role: "operator",
  },
  {
    method: "get",
    path: "/api/operations/{id}/lines",
    summary: "Stored log lines after a sequence number",
    role: "viewer",
    query: [
      { name: "after", description: "Last line held" },
      { name: "limit", description: "Lines at most" },
    ],
  },
  {
    method: "get",
    path: "/api/operations/{id}/log",
    summary: "The whole log as a text file",
    role: "viewer",
    produces: "text/plain",
  },
  {
    method: "get",
    path: "/api/operations/{id}/events",
    summary: "The log and status, live, as Server-Sent Events; resumes after Last-Event-ID or ?after=",
    role: "viewer",
    produces: "text/event-stream",
  },
  {
    method: "get",
    path: "/api/dashboard",
    summary: "Outcomes per day, success rate, stage durations, failure reasons",
    role: "viewer",
  },
  { method: "get", path: "/api/webhooks", summary: "Outgoing webhooks", role: "admin" },
  {
    method: "post",
    path: "/api/webhooks",
    summary: "Add a webhook",
    role: "admin",
    body: ZWebhookInputSchema,
  },
  { method: "get", path: "/api/webhooks/{id}", summary: "One webhook", role: "admin" },
  {
    method: "patch",
    path: "/api/webhooks/{id}",
    summary: "Change a webhook",
    role: "admin",
    body: ZWebhookUpdateSchema,
  },
  { method: "delete", path: "/api/webhooks/{id}", summary: "Delete a webhook", role: "admin" },
  { method: "post", path: "/api/webhooks/{id}/test", summary: "Send a test event", role: "admin" },
  {
    method: "get",
    path: "/api/webhooks/{id}/deliveries",
    summary: "A webhook's delivery log",
    role: "admin",
  },
  {
    method: "get",
    path: "/api/webhooks/deliveries",
    summary: "The delivery log of every webhook",
    role: "admin",
  },
  {
    method: "get",
    path: "/healthz",
    summary: "Readiness: database, Redis and a worker heartbeat",
    role: null,
  },
  {
    method: "get",
    path: "/metrics",
    summary: "The panel's metrics in Prometheus' text format",
    role: "viewer",
    produces: "text/plain; version=0.0.4",
  },
];

function schemaOf(body: z.ZodType): unknown {
  const { $schema: _, ...schema } = z.toJSONSchema(body, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return schema;
}

function params(path: string): { name: string; in: "path"; required: true; schema: { type: "string" } }[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
    name: m[1] as string,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
}

/** Method and path of every described operation, e.g. "post /api/deployments/{id}/cancel". */
export function describedOperations(): string[] {
  return OPERATIONS.map((o) => `${o.method} ${o.path}`);
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] ??= {};
    const responses: Record<string, unknown> = {
      "200": {
        description: "OK (201 for a new record, 202 for queued work)",
        content: { [op.produces ?? "application/json"]: {} },
      },
      "400": { description: "Bad input: {error, fields}" },
    };
    if (op.role !== null) {
      responses["401"] = { description: "No session or API token" };
      responses["403"] = { description: `Needs the ${op.role} role, or a cross-site request` };
    }
    (paths[op.path] as Record<string, unknown>)[op.method] = {
      summary: op.summary,
      "x-webops-role": op.role ?? "public",
      security: op.role === null ? [] : [{ bearer: [] }, { session: [] }],
      parameters: [
        ...params(op.path),
        ...(op.query ?? []).map((q) => ({
          name: q.name,
          in: "query",
          required: false,
          description: q.description,
          schema: { type: "string" },
        })),
      ],
      ...(op.body
        ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(op.body) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "WebOps API",
      version: "1",
      description:
        "Deploy vLLM servers to your own hosts over SSH. Authenticate with an API token (Authorization: Bearer wo_...) made under Account, or the panel's session cookie. Errors are JSON: {error, fields?}. Every change is recorded in the audit log.",
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A personal API token (wo_...)" },
        session: { type: "apiKey", in: "cookie", name: "webops_session" },
      },
    },
    paths,
  };
}
