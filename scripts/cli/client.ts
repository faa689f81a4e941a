/** An error the command line reports as it is, with its exit code (2: usage or configuration). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** The server's HTTP status, when it answered with an error. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The REST API with a bearer token; errors carry the server's message, never the token. */
export class ApiClient {
  constructor(
    readonly base: string,
    private readonly token: string,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv): ApiClient {
    const token = env.WEBOPS_TOKEN ?? "";
    if (!token) throw new CliError("Set WEBOPS_TOKEN to an API token (Account → API tokens in the panel)", 2);
    const base = (env.WEBOPS_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
    try {
      new URL(base);
    } catch {
      throw new CliError(`WEBOPS_URL is not a URL: ${base}`, 2);
    }
    return new ApiClient(base, token);
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...extra };
  }

  async request(
    path: string,
    init: { method?: string; body?: unknown; accept?: string } = {},
  ): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method: init.method ?? "GET",
        headers: this.headers({
          ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
          ...(init.accept ? { accept: init.accept } : {}),
        }),
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (err) {
      throw new CliError(`Cannot reach ${this.base}: ${(err as Error).message}`);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as {
        error?: string;
        fields?: Record<string, string>;
      };
      const fields = Object.entries(body.fields ?? {})
        .map(([k, v]) => `\n  ${k}: ${v}`)
        .join("");
      throw new CliError(
        `${init.method ?? "GET"} ${path}: ${res.status} ${body.error ?? res.statusText}${fields}`,
        res.status === 400 ? 2 : 1,
        res.status,
      );
    }
    return res;
  }

  async get<T>(path: string): Promise<T> {
    return (await (await this.request(path)).json()) as T;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return (await (await this.request(path, { method: "POST", body })).json()) as T;
  }

  async text(path: string): Promise<string> {
    return (await this.request(path)).text();
  }
}
