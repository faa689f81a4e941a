import type { RemoteCommand } from "../ssh/command";
import type { TUndeployOptions } from "./lifecycle-rules";
import { inDeploymentDir } from "./remote";

/** Disables and removes the folder's systemd unit (undeploy): nothing starts it again at boot. */
export function removeUnitCommand(dirId: string, deployPath: string): RemoteCommand {
  return inDeploymentDir(
    deployPath,
    dirId,
    [
      'if [ "$(id -u)" = 0 ]; then unitdir=/etc/systemd/system; set -- systemctl; else unitdir="$HOME/.config/systemd/user"; set -- systemctl --user; fi',
      'unit="webops-vllm-$id.service"',
      '"$@" disable "$unit" >/dev/null 2>&1 || true',
      'if [ -f "$unitdir/$unit" ]; then rm -f "$unitdir/$unit"; "$@" daemon-reload || true; echo "removed $unit"; fi',
    ].join("\n"),
  );
}

/**
 * Removes what the operator chose from the deployment folder. Both together remove the whole folder
 * (nothing left would be of use); the paths are fixed names under the validated folder id.
 */
export function removeFilesCommand(
  dirId: string,
  deployPath: string,
  options: TUndeployOptions,
): RemoteCommand {
  const lines: string[] = ['[ -d "$dir" ] || { echo "the folder $dir is gone already"; exit 0; }'];
  if (options.removeEnvironment && options.removeModelCache) {
    lines.push('rm -rf "$dir"', 'rm -f "$HOME/.cache/webops/$id.pgid"', 'echo "removed $dir"');
  } else {
    if (options.removeEnvironment)
      lines.push(
        'rm -rf "$dir/venv" "$dir/src"',
        'rm -f "$dir/.webops/install-runtime" "$dir/.webops/configure-service" "$dir/.webops/start"',
        'echo "removed the environment: $dir/venv $dir/src"',
      );
    if (options.removeModelCache)
      lines.push(
        'rm -rf "$dir/hf-cache"',
        'rm -f "$dir/.webops/fetch-model"',
        'echo "removed the model cache: $dir/hf-cache"',
      );
  }
  return inDeploymentDir(deployPath, dirId, lines.join("\n"), [], { timeoutMs: 10 * 60_000 });
}
