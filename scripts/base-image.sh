#!/usr/bin/env bash
# Builds the container executor's base image, codeyard/base:bookworm (Debian's minbase, made with
# debootstrap and imported into Podman), unless Podman has it already. Needs root, podman and
# debootstrap (scripts/install-system-deps.sh installs them); without podman it does nothing.
set -euo pipefail

image=${CODEYARD_BASE_IMAGE:-codeyard/base:bookworm}
suite=bookworm

if ! command -v podman >/dev/null; then
  echo "podman is not installed: no base image (the container executor's tests will be skipped)" >&2
  exit 0
fi
if podman image exists "$image"; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "the base image $image is missing: run $0 as root to build it" >&2
  exit 1
fi

# The Debian mirror apt uses (deb822 .sources files or the classic sources.list), security one aside.
mirror=$(
  {
    grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources || true
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | sed 's/\[[^]]*\]//' || true
  } | awk '$2 !~ /security/ {print $2; exit}'
)
mirror=${mirror:-http://deb.debian.org/debian}

work=$(mktemp -d /var/tmp/codeyard-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "building $image: debootstrap --variant=minbase $suite from $mirror"
started=$SECONDS
debootstrap --variant=minbase "$suite" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 20 "$work/debootstrap.log" >&2
  exit 1
}
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*
tar -C "$work/root" -c . | podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "built $image in $((SECONDS - started)) s"
