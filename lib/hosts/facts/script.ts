import { quote, type RemoteCommand } from "../../ssh";
import { PACKAGE_MANAGER_NAMES, PACKAGE_MANAGERS } from "./package-managers";

/** Fields of the `--query-gpu` call, in the order the `gpu=` lines carry them. */
export const GPU_QUERY_FIELDS = ["name", "memory.total", "driver_version", "pci.bus_id"] as const;

/** Bumped when a key changes meaning, so a parser can tell which script wrote the lines. */
export const FACTS_FORMAT = 2;

// One `case` arm per package manager, generated from the same table the sudoers line comes from.
const packageManagerCases = PACKAGE_MANAGER_NAMES.map((name) => {
  const pm = PACKAGE_MANAGERS[name];
  const words = (parts: readonly string[]) => quote(parts.join(" "));
  return [
    `    ${name}) pm_refresh=${words(pm.refresh)}`,
    `pm_verb=${words(pm.installVerb)}`,
    `pm_install=${words([...pm.installVerb, ...pm.installFlags, pm.probePackage])} ;;`,
  ].join("; ");
}).join("\n");

/**
 * The facts script: read-only, POSIX sh, sent on stdin to `sh -s -- <deploy path>`. It prints one
 * `key=value` line per fact as soon as it knows it (the operator watches them arrive) and
 * `facts=done` last. Nothing in it comes from the operator: the deploy path arrives as "$1" and is
 * only ever used quoted. Everything runs inside `main`, which the shell parses completely before
 * running it; `</dev/null` keeps any command from reading the rest of the script off stdin.
 *
 * Sudo is asked only with `sudo -n -l` (would this command be allowed?), never by running anything.
 * `sudo -n -l` says yes even when the matching rule wants a password (it answers without one as
 * soon as any rule is NOPASSWD), so the verdict also checks the last matching rule in `sudo -n -ll`.
 */
export const FACTS_SCRIPT = `main() {
  LC_ALL=C
  export LC_ALL
  PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
  export PATH
  # A value never spans lines: a newline in it (a hostile path, say) would forge the next fact.
  kv() { printf '%s=%s\\n' "$1" "$(printf '%s' "$2" | tr '\\n\\r' '??')"; }
  have() { command -v "$1" >/dev/null 2>&1; }

  kv facts_format ${FACTS_FORMAT}
  os_file=
  for f in /etc/os-release /usr/lib/os-release; do [ -r "$f" ] && { os_file=$f; break; }; done
  if [ -n "$os_file" ]; then
    (
      . "$os_file"
      kv os "\${PRETTY_NAME:-$NAME $VERSION}"
      kv os_id "$ID"
      kv os_id_like "$ID_LIKE"
      kv os_version "$VERSION_ID"
    )
  else
    kv os "$(uname -s)"
  fi
  kv kernel "$(uname -r)"
  kv arch "$(uname -m)"
  kv hostname "$(uname -n)"
  kv user "$(id -un 2>/dev/null)"
  kv uid "$(id -u)"
  kv groups "$(id -Gn 2>/dev/null)"

  cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
  [ -n "$cpu_model" ] || cpu_model=$(lscpu 2>/dev/null | awk -F': *' '/^Model name:/ { print $2; exit }')
  kv cpu_model "$cpu_model"
  kv cpus "$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null)"
  cores=$(lscpu -p=core,socket 2>/dev/null | grep -v '^#' | sort -u | wc -l)
  if [ "$cores" -gt 0 ] 2>/dev/null; then :; else
    cores=$(awk -F': *' '/^physical id/ { p = $2 } /^core id/ { c[p "-" $2] = 1 }
      END { n = 0; for (k in c) n++; if (n) print n }' /proc/cpuinfo 2>/dev/null)
  fi
  kv cpu_physical_cores "$cores"
  kv memory_kib "$(awk '/^MemTotal:/ { print $2; exit }' /proc/meminfo 2>/dev/null)"
  kv memory_available_kib "$(awk '/^MemAvailable:/ { print $2; exit }' /proc/meminfo 2>/dev/null)"

  # Free space where deployments will live: the path may not exist yet, so measure the nearest
  # existing directory above it and say which one that was.
  target=$1
  case $target in
    "" | "~") target=$HOME ;;
    "~/"*) target=$HOME/\${target#"~/"} ;;
    /*) ;;
    *) target=$HOME/$target ;;
  esac
  existing=$target
  while [ ! -e "$existing" ]; do
    parent=\${existing%/*}
    [ -n "$parent" ] || parent=/
    [ "$parent" != "$existing" ] || break
    existing=$parent
  done
  kv disk_path "$target"
  if [ "$existing" = "$target" ]; then kv disk_path_exists yes; else kv disk_path_exists no; fi
  kv disk_checked_path "$existing"
  df -Pk "$existing" 2>/dev/null | awk 'NR == 2 { m = $6; for (i = 7; i <= NF; i++) m = m " " $i
    print "disk_total_kib=" $2; print "disk_free_kib=" $4; print "disk_mount=" m }'

  numa=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
  if [ "$numa" -gt 0 ] 2>/dev/null; then :; else
    numa=$(lscpu 2>/dev/null | awk -F': *' '/^NUMA node[(]s[)]:/ { print $2; exit }')
  fi
  kv numa_nodes "$numa"

  if have python3; then
    # -V starts no interpreter site setup: the cheapest way to the version (older ones print to stderr).
    kv python3 "$(python3 -V 2>&1 | awk '/^Python / { print $2; exit }')"
  else
    kv python3 none
  fi
  if [ -d /run/systemd/system ]; then kv systemd yes; else kv systemd no; fi
  if have docker; then
    kv docker yes
    kv docker_version "$(docker --version 2>/dev/null | awk '{ v = $3; sub(/,$/, "", v); print v; exit }')"
  else
    kv docker no
  fi

  if have nvidia-smi; then
    kv nvidia_smi "$(command -v nvidia-smi)"
    if gpus=$(nvidia-smi --query-gpu=${GPU_QUERY_FIELDS.join(",")} --format=csv,noheader,nounits 2>&1); then
      printf '%s\\n' "$gpus" | sed 's/^/gpu=/'
      # The CUDA version is only in the summary's header; its process list is nobody's business.
      nvidia-smi 2>&1 | sed -e '/Processes:/,$d' -e 's/^/nvidia_smi_out=/'
    else
      kv gpu_error "$(printf '%s\\n' "$gpus" | head -n 1)"
    fi
  else
    kv nvidia_smi none
  fi

  pm=
  pm_path=
  for name in ${PACKAGE_MANAGER_NAMES.join(" ")}; do
    for dir in /usr/bin /bin /usr/sbin /sbin /usr/local/bin; do
      if [ -x "$dir/$name" ]; then pm=$name; pm_path=$dir/$name; break 2; fi
    done
  done
  kv package_manager "\${pm:-none}"
  kv package_manager_path "$pm_path"
  case $pm in
${packageManagerCases}
  esac

  verdict() { kv sudo "$1"; kv sudo_reason "$2"; [ -z "$3" ] || kv sudo_detail "$3"; }
  # 0 when the last rule in the listing that matches "$*" (as root) needs no password.
  nopasswd() {
    [ -n "$rules" ] || return 0
    cmd="$*"
    last=
    while IFS= read -r rule; do
      auth=\${rule%% *}
      spec=\${rule#* }
      negated=
      case $spec in "!"*) negated=yes; spec=\${spec#"!"} ;; esac
      if spec_matches "$spec" "$cmd"; then
        if [ -n "$negated" ]; then last=denied; else last=$auth; fi
      fi
    done <<EOF
$rules
EOF
    [ "$last" = 0 ]
  }
  spec_matches() {
    case $1 in
      ALL) return 0 ;;
      *" "*) case $2 in $1) return 0 ;; esac ;;
      */) case $2 in "$1"*) case \${2#"$1"} in */*) ;; *) return 0 ;; esac ;; esac ;;
      *) case $2 in "$1" | "$1 "*) return 0 ;; esac ;;
    esac
    return 1
  }
  # Prints yes, no or password: may "$@" run as root through sudo without a password?
  ask() {
    if ! sudo -n -l "$@" >/dev/null 2>&1; then echo no
    elif nopasswd "$@"; then echo yes
    else echo password
    fi
  }

  if [ "$(id -u)" = 0 ]; then
    verdict full root
  elif ! have sudo; then
    verdict none not-installed
  else
    answer=$(sudo -n -l /bin/sh 2>&1)
    shell_rc=$?
    # sudo's warnings (an unresolvable host name) are not its answer.
    answer=$(printf '%s\\n' "$answer" | grep -v 'unable to resolve host' | head -n 1)
    if [ $shell_rc -ne 0 ] && [ -n "$answer" ]; then
      case $answer in
        *"password is required"*)
          admin=
          for g in $(id -Gn 2>/dev/null); do
            case $g in sudo | wheel | admin) admin=$g ;; esac
          done
          if [ -n "$admin" ]; then verdict none password-required "group $admin"
          else verdict none not-in-sudoers "$answer"; fi ;;
        *"may not run sudo"*) verdict none not-in-sudoers "$answer" ;;
        *tty*) verdict none requiretty "$answer" ;;
        *) verdict none sudo-error "$answer" ;;
      esac
    else
      rules=$(sudo -n -ll 2>/dev/null | awk '
        /^Matching Defaults entries/ { defaults = 1; next }
        defaults && /^$/ { defaults = 0 }
        defaults && /!authenticate/ { noauth = 1 }
        /^Sudoers entry:/ || /^LDAP Role:/ { n++; auth = noauth ? 0 : 1; root = 1; cmds = 0; next }
        n && /^[[:blank:]]*RunAsUsers:/ { root = ($0 ~ /[:,][[:blank:]]*(root|ALL)[[:blank:]]*(,|$)/) }
        n && /^[[:blank:]]*Options:/ { if ($0 ~ /!authenticate/) auth = 0; else if ($0 ~ /authenticate/) auth = 1 }
        n && /^[[:blank:]]*Commands:/ { cmds = 1; next }
        cmds && /^[[:blank:]]+[^[:blank:]]/ { if (root) { sub(/^[[:blank:]]+/, ""); print auth " " $0 }; next }
        { cmds = 0 }')
      shell=$(ask /bin/sh)
      kv sudo_shell "$shell"
      if [ "$shell" = yes ]; then
        verdict full all-commands
      elif [ -z "$pm" ]; then
        verdict none no-package-manager
      else
        # Unquoted on purpose: the pm_* words come from the table above and hold no patterns.
        update=$(ask "$pm_path" $pm_refresh)
        install=$(ask "$pm_path" $pm_install)
        kv sudo_update "$update"
        kv sudo_install "$install"
        bare=no
        if [ "$install" = no ]; then
          bare=$(ask "$pm_path" $pm_verb)
          kv sudo_install_bare "$bare"
        fi
        if [ "$update" = yes ] && [ "$install" = yes ]; then verdict install package-manager
        elif [ "$install" = no ] && [ "$bare" != no ]; then verdict none install-without-arguments
        elif [ "$update" = password ] || [ "$install" = password ]; then verdict none package-manager-needs-password
        elif [ "$install" = yes ]; then verdict none update-not-permitted
        elif [ "$update" = yes ]; then verdict none install-not-permitted
        else verdict none package-manager-not-permitted
        fi
      fi
    fi
  fi
  kv facts done
}
main "$@" </dev/null
`;

/** `sh -s -- <deploy path>`: the path is an argument (quoted by toShell), the script is stdin. */
export function factsCommand(deployPath: string, timeoutMs: number): RemoteCommand {
  return { program: "sh", args: ["-s", "--", deployPath], stdin: FACTS_SCRIPT, timeoutMs };
}
