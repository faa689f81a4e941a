import type { RemoteCommand } from "../ssh/command";
import { chatCompletionsUrl, healthUrl, metricsUrl, sanityRequestBody } from "./endpoints";
import { inDeploymentDir } from "./remote";
import type { TDeploymentSpec } from "./schema";
import { FILES } from "./service-files";

/** Exit codes of the probe: vLLM does not listen while it loads weights, so "refused" means wait. */
export const PROBE_EXIT = { ok: 0, failed: 1, refused: 2 } as const;

/*
 * Runs on the host (vLLM usually binds loopback, out of the panel's reach) with Python's standard
 * library: the API key is read from service.env into the environment, so it never appears in argv
 * as it would with `curl -H`. argv: url; the request body, if any, comes on stdin.
 */
const PROBE_PY = `import json, os, sys, urllib.error, urllib.request
url = sys.argv[1]
body = sys.stdin.buffer.read() or None
req = urllib.request.Request(url, data=body, method="POST" if body else "GET")
if body:
    req.add_header("Content-Type", "application/json")
key = os.environ.get("VLLM_API_KEY")
if key:
    req.add_header("Authorization", "Bearer " + key)
try:
    with urllib.request.urlopen(req, timeout=float(os.environ.get("WEBOPS_PROBE_TIMEOUT", "10"))) as res:
        sys.stdout.write(res.read().decode("utf-8", "replace"))
except urllib.error.HTTPError as e:
    sys.stderr.write("HTTP %d from %s: %s\\n" % (e.code, url, e.read().decode("utf-8", "replace")[:500]))
    sys.exit(1)
except (urllib.error.URLError, OSError) as e:
    reason = getattr(e, "reason", e)
    refused = isinstance(reason, ConnectionRefusedError)
    sys.stderr.write("%s: %s\\n" % ("not listening yet" if refused else "no answer", reason))
    sys.exit(2 if refused else 1)
`;

function probe(
  deployPath: string,
  deploymentId: string,
  url: string,
  body: string,
  timeoutS: number,
): RemoteCommand {
  return inDeploymentDir(
    deployPath,
    deploymentId,
    [
      `if [ -f "$dir/${FILES.env}" ]; then set -a; . "$dir/${FILES.env}"; set +a; fi`,
      'py="$dir/venv/bin/python"; [ -x "$py" ] || py=python3',
      'exec "$py" -c "$1" "$2"',
    ].join("\n"),
    [PROBE_PY, url],
    { stdin: body, env: { WEBOPS_PROBE_TIMEOUT: String(timeoutS) }, timeoutMs: (timeoutS + 10) * 1000 },
  );
}

/** One GET of /health; exit 0 healthy, 2 not listening yet (keep waiting), 1 anything else. */
export function healthProbeCommand(
  spec: TDeploymentSpec,
  deploymentId: string,
  deployPath: string,
): RemoteCommand {
  return probe(deployPath, deploymentId, healthUrl(spec), "", 5);
}

/** One GET of /metrics for the health monitor; prints the Prometheus text. Exit codes as the health probe's. */
export function metricsProbeCommand(
  spec: TDeploymentSpec,
  deploymentId: string,
  deployPath: string,
): RemoteCommand {
  return probe(deployPath, deploymentId, metricsUrl(spec), "", 5);
}

/** The sanity chat completion; prints the JSON answer. */
export function sanityRequestCommand(
  spec: TDeploymentSpec,
  deploymentId: string,
  deployPath: string,
): RemoteCommand {
  return probe(deployPath, deploymentId, chatCompletionsUrl(spec), sanityRequestBody(spec), 120);
}

/** The last lines of vLLM's log, for the report when the process exited. */
export function logTailCommand(deploymentId: string, deployPath: string, lines = 50): RemoteCommand {
  return inDeploymentDir(deployPath, deploymentId, `tail -n "$1" "$dir/${FILES.log}" 2>/dev/null || true`, [
    String(lines),
  ]);
}
