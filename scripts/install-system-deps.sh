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

if ((${#need[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "missing system packages: ${need[*]} (run as root, or install them)" >&2
  exit 1
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
