#!/usr/bin/env bash
# Builds kokoro-native against Debian 13's libtorch 2.x and runs the whole test suite there, on
# this Debian 12 machine: a minimal Debian 13 (trixie) system is made with debootstrap in a
# folder, the build and test dependencies are installed inside it (its own libtorch-dev,
# python3-torch, Node.js), the committed tree is cloned into it with ../shared mounted beside it,
# and `npm install && npm test` runs there under chroot. Needs root and the network (Debian's
# archive, the npm registry); run by hand, not part of `npm test`. tools/check-libtorch2.sh is the
# lighter check (compile only, nothing installed).
#
#   sudo tools/test-on-libtorch2.sh                 # suite trixie, everything under build-trixie/
#   ROOTFS=/var/tmp/trixie sudo tools/test-on-libtorch2.sh
#
# The system is kept between runs (delete the folder to start afresh); each run clones HEAD anew.
# The log of the run is OUT/test.log; the exit status is npm test's.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=$(cd "$ROOT/../shared" 2>/dev/null && pwd) || { echo "needs ../shared beside the repository" >&2; exit 1; }
SUITE=${SUITE:-trixie}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
OUT=$(mkdir -p "${OUT:-build-trixie}" && cd "${OUT:-build-trixie}" && pwd)
ROOTFS=${ROOTFS:-$OUT/rootfs}
PACKAGES="cmake g++ make python3 libtorch-dev libopenblas0-pthread libespeak-ng-dev espeak-ng-data zlib1g-dev
  python3-torch python3-numpy python3-pytest libblas3 ffmpeg redis-server chromium gnuplot-nox nodejs npm git ca-certificates"
PACKAGES=$(echo $PACKAGES)  # one line: it goes into a command string

[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap, mount, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y --no-install-recommends debootstrap

if [ ! -x "$ROOTFS/usr/bin/apt-get" ]; then
  echo "== debootstrap $SUITE into $ROOTFS"
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOTFS" "$MIRROR" > "$OUT/debootstrap.log"
fi

mounted=()
mount_into() {  # mount_into TARGET ARGS...: mounts once, unmounted on exit
  local target=$1; shift
  mountpoint -q "$target" || { mkdir -p "$target"; mount "$@" "$target"; mounted+=("$target"); }
}
cleanup() { for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" || true; done; }
trap cleanup EXIT
mount_into "$ROOTFS/proc" -t proc proc
mount_into "$ROOTFS/sys" --rbind /sys
mount_into "$ROOTFS/dev" --rbind /dev
mount_into "$ROOTFS/ci/shared" --bind "$SHARED"
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
# The host's extra certificate authorities (a TLS-inspecting proxy's), for apt and npm inside.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
fi

echo "== packages ($SUITE): $PACKAGES"
chroot "$ROOTFS" bash -c "export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q --no-install-recommends $PACKAGES && update-ca-certificates" > "$OUT/apt.log" 2>&1 ||
  { tail -20 "$OUT/apt.log"; exit 1; }
chroot "$ROOTFS" bash -c 'echo "   node $(node --version), torch $(python3 -c "import torch; print(torch.__version__)")"'

echo "== clone HEAD ($(git rev-parse --short HEAD)) and run npm install && npm test (log: $OUT/test.log)"
rm -rf "$ROOTFS/ci/kokoro-native"
git clone -q "$ROOT" "$ROOTFS/ci/kokoro-native"
set +e
chroot "$ROOTFS" bash -c 'export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt; cd /ci/kokoro-native &&
  npm install --no-audit --no-fund && npm test' > "$OUT/test.log" 2>&1
status=$?
set -e
grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUT/test.log" | tail -1
exit "$status"
