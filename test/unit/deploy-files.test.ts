import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// The production files for the panel itself, checked as far as they can be without a container
// engine: they parse, and every command, file, npm script and setting they use exists in the project.
interface TService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
}

const compose = parse(readFileSync("compose.yaml", "utf8"), { merge: true }) as {
  services: Record<string, TService>;
  volumes: Record<string, unknown>;
};
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
const readme = readFileSync("README.md", "utf8");

/** The project files a `node ...` command line runs. */
function filesRun(command: string[]): string[] {
  return command.filter((arg) => /\.(ts|js|mjs)$/.test(arg) || arg.startsWith("node_modules/"));
}

describe("compose.yaml", () => {
  it("has PostgreSQL, Redis, a one-shot migrate, the web app and scalable workers", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["migrate", "postgres", "redis", "web", "worker"]);
    expect(compose.services.worker?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(compose.services.web?.depends_on?.migrate?.condition).toBe("service_completed_successfully");
    expect(compose.services.worker?.depends_on?.migrate?.condition).toBe("service_completed_successfully");
  });

  it("keeps PostgreSQL and Redis data in volumes, Redis with its append-only file", () => {
    expect(compose.services.postgres?.volumes).toContain("postgres:/var/lib/postgresql/data");
    expect(compose.services.redis?.volumes).toContain("redis:/data");
    expect(compose.services.redis?.command?.join(" ")).toMatch(/--appendonly yes/);
    expect(Object.keys(compose.volumes).sort()).toEqual(["postgres", "redis"]);
  });

  it("runs only files and commands that exist in the project", () => {
    for (const name of ["migrate", "web", "worker"]) {
      const service = compose.services[name] as TService;
      expect(service.build, name).toBe(".");
      expect(service.command?.[0], name).toBe("node");
      const files = filesRun(service.command ?? []);
      expect(files.length, name).toBeGreaterThan(0);
      for (const file of files) expect(existsSync(file), `${name}: ${file}`).toBe(true);
    }
    const health = compose.services.web?.healthcheck?.test.join(" ") ?? "";
    expect(health).toContain("/api/health");
    expect(existsSync("app/api/health/route.ts")).toBe(true);
  });

  it("sets only settings the README documents, the secrets from the environment", () => {
    for (const name of ["migrate", "web", "worker"])
      for (const [key, value] of Object.entries(compose.services[name]?.environment ?? {})) {
        expect(readme, `${name}: ${key}`).toContain(`\`${key}\``);
        if (/SECRET|PASSWORD/.test(key)) expect(value, key).toMatch(/^\$\{/);
      }
    expect(compose.services.web?.environment?.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(compose.services.worker?.environment?.REDIS_URL).toMatch(/@redis:6379$/);
  });
});

describe("Dockerfile", () => {
  // Continuation lines joined, comments and blank lines left out.
  const lines = readFileSync("Dockerfile", "utf8")
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const instructions = lines.map((l) => l.trim().split(/\s+/)[0] as string);

  it("builds in one stage and runs from a slim one, not as root", () => {
    expect(lines.filter((l) => l.startsWith("FROM"))).toEqual([
      "FROM node:20-bookworm-slim AS build",
      "FROM node:20-bookworm-slim",
    ]);
    expect(lines).toContain("USER node");
    for (const i of instructions)
      expect(["FROM", "WORKDIR", "COPY", "RUN", "ENV", "USER", "EXPOSE", "CMD"]).toContain(i);
  });

  it("uses npm scripts, files and a start command that exist", () => {
    const text = lines.join("\n");
    for (const [, script] of text.matchAll(/npm run ([\w:-]+)/g))
      expect(pkg.scripts[script as string], script).toBeDefined();
    for (const [, src] of text.matchAll(/^COPY (?!--from)(\S+) (?:\S+ )*\.\/$/gm))
      expect(existsSync(src as string), src).toBe(true);
    const cmd = JSON.parse(lines.find((l) => l.startsWith("CMD"))?.slice(4) ?? "[]") as string[];
    expect(cmd[0]).toBe("node");
    for (const file of filesRun(cmd)) expect(existsSync(file), file).toBe(true);
    const ignored = readFileSync(".dockerignore", "utf8").split("\n");
    for (const dir of ["node_modules", ".data", ".next"]) expect(ignored).toContain(dir);
  });
});
