#!/usr/bin/env bash
# Installs the system packages the tests need when they are missing (Debian, as root).
set -euo pipefail

need=()
command -v git >/dev/null || need+=(git)
command -v ssh >/dev/null && command -v ssh-keygen >/dev/null && command -v ssh-keyscan >/dev/null || need+=(openssh-client)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || need+=(postgresql)
command -v bwrap >/dev/null || need+=(bubblewrap)
# AWS CLI v2 (Debian's awscli) for `aws logs tail --follow`; the virtualenv's aws is v1.
dpkg -s awscli >/dev/null 2>&1 || need+=(awscli)
# The container executor: rootful Podman (its Docker-compatible API), runc, and debootstrap for the
# base image (scripts/base-image.sh).
command -v podman >/dev/null || need+=(podman)
command -v runc >/dev/null || need+=(runc)
command -v debootstrap >/dev/null || need+=(debootstrap)

if ((${#need[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing system packages: ${need[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Podman's settings for this kind of machine, in a drop-in of their own (other settings stay): open
# files at the hard limit and at most 32768 processes per container (Podman's defaults exceed what
# the kernel grants here), and runc (crun needs the hugetlb controller on a cgroup v1 mount).
conf=/etc/containers/containers.conf.d/codeyard.conf
if [[ $(id -u) -eq 0 ]] && command -v podman >/dev/null; then
  files=$(ulimit -Hn)
  [[ $files == unlimited ]] && files=1048576
  processes=$(ulimit -Hu)
  [[ $processes == unlimited || $processes -gt 32768 ]] && processes=32768
  wanted=$(printf '%s\n' "# Written by scripts/install-system-deps.sh (Codeyard's container executor)." \
    "[containers]" "default_ulimits = [\"nofile=$files:$files\", \"nproc=$processes:$processes\"]" "" \
    "[engine]" "runtime = \"runc\"")
  if [[ ! -f $conf ]] || [[ $(cat "$conf") != "$wanted" ]]; then
    mkdir -p "$(dirname "$conf")"
    printf '%s\n' "$wanted" >"$conf"
    echo "wrote $conf"
  fi
fi
