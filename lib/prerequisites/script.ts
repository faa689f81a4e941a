import type { RemoteCommand } from "../ssh";
import type { TPackageFamily } from "./profiles";

/**
 * One read-only script: package states, the probes an operator would run by hand, tool versions,
 * CPU flags and (apt) the versions the distro would install. Sent on stdin to `sh -s`; the family
 * and the package names are its arguments, never part of the script. Lines are `key=value`:
 *   pkg:<name>=installed <version> | pkg:<name>=missing
 *   probe:<id>=ok <detail> | probe:<id>=fail <detail>
 *   ver:<tool>=<version>, cand:<package>=<version>, cpu_flags=<flags>, prereq=done
 */
// "@{" stands for the shell's "${" (which a TypeScript template would take for its own).
// Few processes: on a loaded host each fork costs milliseconds, and this runs before every deploy.
export const PREREQ_SCRIPT = String.raw`
# Parsed whole before it runs, with stdin closed: no command can read the rest of the script.
{
NL='
'
family=$1; shift
echo "prereq_format=1"
echo "family=$family"
first_line() { printf '%s' "@{1%%"$NL"*}"; }
case "$family" in
  apt)
    # One dpkg-query for every package; names it does not know are not printed at all.
    # The names reach awk through the environment, joined by "|", untouched by any parsing.
    old_ifs=$IFS; IFS='|'; WANT="$*"; IFS=$old_ifs; export WANT
    dpkg-query -W -f='@{Package}|@{db:Status-Abbrev}|@{Version}\n' "$@" 2>/dev/null |
      awk -F'|' 'BEGIN { n = split(ENVIRON["WANT"], w, "|") }
        $2 ~ /^ii/ { v[$1] = $3 }
        END { for (i = 1; i <= n; i++) if (w[i] in v) print "pkg:" w[i] "=installed " v[w[i]]; else print "pkg:" w[i] "=missing" }' ;;
  dnf)
    for p in "$@"; do
      if v=$(rpm -q --qf '%{VERSION}-%{RELEASE}' "$p" 2>/dev/null); then echo "pkg:$p=installed $v"; else echo "pkg:$p=missing"; fi
    done ;;
  pacman)
    for p in "$@"; do
      if v=$(pacman -Q "$p" 2>/dev/null); then echo "pkg:$p=installed @{v#* }"; else echo "pkg:$p=missing"; fi
    done ;;
  apk)
    for p in "$@"; do
      if apk info -e "$p" >/dev/null 2>&1; then echo "pkg:$p=installed $(apk info -v "$p" 2>/dev/null)"; else echo "pkg:$p=missing"; fi
    done ;;
esac

have() { command -v "$1" >/dev/null 2>&1; }
# probe <id> <tool> <prefix to strip> <version command...>
probe_tool() {
  id=$1; tool=$2; strip=$3; shift 3
  if have "$tool"; then
    v=$("$@" 2>/dev/null); v=@{v%%"$NL"*}; v=@{v#"$strip"}
    echo "probe:$id=ok $(command -v "$tool") $v"
    echo "ver:$id=$v"
  else
    echo "probe:$id=fail $tool not found on PATH"
  fi
}
probe_tool gcc gcc "" gcc -dumpfullversion
probe_tool gxx g++ "" g++ -dumpfullversion
probe_tool make make "GNU Make " make --version
probe_tool cmake cmake "cmake version " cmake --version
probe_tool ninja ninja "" ninja --version
probe_tool git git "git version " git --version

if have python3; then
  # One interpreter start for every Python probe.
  python3 - <<'PY' 2>/dev/null || echo "probe:python_include=fail python3 does not run"
import importlib.util, os, platform, sysconfig
print("ver:python3=" + platform.python_version())
inc = sysconfig.get_path("include") or ""
print(("probe:python_include=ok " + inc) if os.path.isfile(os.path.join(inc, "Python.h")) else ("probe:python_include=fail " + inc + "/Python.h missing"))
ok = all(importlib.util.find_spec(m) is not None for m in ("venv", "ensurepip"))
print("probe:venv=ok venv and ensurepip import" if ok else "probe:venv=fail python3 -c 'import venv, ensurepip' fails")
try:
    import pip
    print("probe:pip=ok pip " + pip.__version__ + " from " + os.path.dirname(pip.__file__))
except Exception:
    print("probe:pip=fail python3 -m pip does not run")
PY
else
  for id in python_include venv pip; do echo "probe:$id=fail python3 not found on PATH"; done
fi

numa=""
for d in /usr/include /usr/local/include; do [ -f "$d/numa.h" ] && numa="$d/numa.h" && break; done
if [ -n "$numa" ]; then echo "probe:numa_h=ok $numa"; else echo "probe:numa_h=fail numa.h not found in /usr/include or /usr/local/include"; fi

gomp=""
for l in ldconfig /sbin/ldconfig /usr/sbin/ldconfig; do
  if have "$l" || [ -x "$l" ]; then
    gomp=$("$l" -p 2>/dev/null | awk '/libgomp\.so\.1 / { print $NF; exit }')
    break
  fi
done
if [ -z "$gomp" ]; then for f in /usr/lib/*/libgomp.so.1 /usr/lib64/libgomp.so.1 /usr/lib/libgomp.so.1 /lib/libgomp.so.1; do [ -e "$f" ] && gomp="$f (not in the loader cache)" && break; done; fi
case "$gomp" in
  "") echo "probe:libgomp=fail libgomp.so.1 not found by the loader" ;;
  *"not in the loader cache"*) echo "probe:libgomp=fail $gomp" ;;
  *) echo "probe:libgomp=ok $gomp" ;;
esac

if have nvidia-smi; then
  if v=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null) && [ -n "$v" ]; then echo "probe:nvidia_smi=ok driver $(first_line "$v")"; else echo "probe:nvidia_smi=fail nvidia-smi is installed but does not answer (driver not loaded?)"; fi
else
  echo "probe:nvidia_smi=fail nvidia-smi not found on PATH"
fi
if have docker; then
  echo "probe:docker=ok $(docker --version 2>/dev/null)"
  if docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q nvidia || have nvidia-container-runtime || have nvidia-ctk; then
    echo "probe:docker_gpu=ok NVIDIA container runtime present"
  else
    echo "probe:docker_gpu=fail no NVIDIA container runtime (nvidia-container-toolkit)"
  fi
else
  echo "probe:docker=fail docker not found on PATH"
  echo "probe:docker_gpu=fail docker not found on PATH"
fi

awk '/^flags/ { for (i = 1; i <= NF; i++) if ($i ~ /^(avx2|avx512f|avx512_bf16|avx512_vnni|amx_bf16)$/) f[$i] = 1; exit }
  END { s = ""; for (k in f) s = s k " "; print "cpu_flags=" s }' /proc/cpuinfo 2>/dev/null

# What apt would install, only for the tools that are not installed yet.
if [ "$family" = apt ] && have apt-cache; then
  need=""
  have gcc || need="$need gcc"
  have g++ || need="$need g++"
  have cmake || need="$need cmake"
  if [ -n "$need" ]; then
    apt-cache policy $need 2>/dev/null | awk '/^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) } /Candidate:/ { print "cand:" p "=" $2 }'
  fi
fi
echo "prereq=done"
} </dev/null
`.replaceAll("@{", "${");

export function prereqCheckCommand(
  family: TPackageFamily,
  packages: readonly string[],
  timeoutMs: number,
): RemoteCommand {
  return { program: "sh", args: ["-s", "--", family, ...packages], stdin: PREREQ_SCRIPT, timeoutMs };
}
