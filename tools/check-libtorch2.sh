#!/usr/bin/env bash
# Compiles the native code against Debian 13's libtorch 2.x on this Debian 12 machine, without
# installing anything: the .deb files are fetched with a private apt configuration (the system's
# sources, state and lock are untouched) and unpacked with dpkg-deb into a private prefix. Run by
# hand (it needs the network); not part of `npm test`.
#
#   tools/check-libtorch2.sh            # suite trixie, 2 compile jobs, results in build-torch2/
#   SUITE=trixie JOBS=1 OUT=/tmp/t2 tools/check-libtorch2.sh
#
# Steps:
#  1. download libtorch-dev and its library package (libtorchX.Y) from SUITE, unpack to OUT/prefix;
#  2. configure the real CMake project with cmake-js and LIBTORCH=OUT/prefix/usr (the documented
#     way to build against another libtorch), so every flag is the one the real build would use;
#  3. compile every translation unit of compile_commands.json (native/core, native/napi, addon.cc)
#     to an object file. Linking and running are not possible: 2.x's libraries need a newer glibc;
#  4. check that no header came from the system's libtorch (/usr/include/{ATen,c10,torch,caffe2}),
#     and that every symbol our objects import is exported by 2.x's libraries (or by libstdc++,
#     glibc, zlib, espeak-ng, Node-API), i.e. what the link would need exists;
#  5. check the TorchScript archives in models/arch against 2.x (models/tools/archive_compat.py).
# Exit status 0 when every step passed. A summary is printed and kept in OUT/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SUITE=${SUITE:-trixie}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
JOBS=${JOBS:-2}
OUT=$(mkdir -p "${OUT:-build-torch2}" && cd "${OUT:-build-torch2}" && pwd)
PREFIX=$OUT/prefix
ARCH=$(dpkg --print-architecture)
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)

# --- 1. download and unpack --------------------------------------------------------------------
APT=$OUT/apt
mkdir -p "$APT/etc/apt.conf.d" "$APT/etc/preferences.d" "$APT/etc/sources.list.d" \
  "$APT/state/lists/partial" "$APT/cache/archives/partial" "$OUT/debs"
: > "$APT/state/status"
echo "deb [arch=$ARCH signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main" \
  > "$APT/etc/sources.list"
APT_OPTS=(-o "Dir::Etc=$APT/etc" -o "Dir::Etc::sourcelist=$APT/etc/sources.list"
  -o "Dir::Etc::sourceparts=$APT/etc/sources.list.d" -o "Dir::Etc::parts=$APT/etc/apt.conf.d"
  -o "Dir::Etc::preferencesparts=$APT/etc/preferences.d" -o "Dir::State=$APT/state"
  -o "Dir::State::status=$APT/state/status" -o "Dir::Cache=$APT/cache"
  -o "APT::Architecture=$ARCH" -o "APT::Architectures::=$ARCH" -o "Acquire::Languages=none"
  -o "APT::Sandbox::User=$(id -un)" -o "Debug::NoLocking=1")
echo "== $SUITE: package index"
apt-get "${APT_OPTS[@]}" -q update >/dev/null
# libtorch-dev holds the headers and CMake files; its Depends names the library package.
LIBRARY_PACKAGE=$(apt-cache "${APT_OPTS[@]}" show libtorch-dev | sed -n 's/^Depends: //p' | head -1 |
  tr ',' '\n' | sed -n 's/^ *\(libtorch[0-9][0-9.]*\) .*/\1/p' | head -1)
[ -n "$LIBRARY_PACKAGE" ] || { echo "libtorch-dev in $SUITE names no libtorchX.Y package" >&2; exit 1; }
echo "== download libtorch-dev $LIBRARY_PACKAGE"
rm -f "$OUT"/debs/*.deb
(cd "$OUT/debs" && apt-get "${APT_OPTS[@]}" -q download libtorch-dev "$LIBRARY_PACKAGE" >/dev/null)
rm -rf "$PREFIX"
for deb in "$OUT"/debs/*.deb; do dpkg-deb -x "$deb" "$PREFIX"; done
PACKAGES=$(for deb in "$OUT"/debs/*.deb; do
  echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)"; done | paste -sd',' | sed 's/,/, /g')
TORCH_VERSION=$(for part in MAJOR MINOR PATCH; do
  sed -n "s/^#define TORCH_VERSION_$part //p" "$PREFIX/usr/include/torch/csrc/api/include/torch/version.h"
done | paste -sd.)
echo "   $PACKAGES: libtorch $TORCH_VERSION"

# --- 2. configure the real project against it --------------------------------------------------
BUILD=$OUT/cmake
rm -rf "$BUILD"
echo "== configure (cmake-js, LIBTORCH=$PREFIX/usr)"
node "$ROOT/node_modules/cmake-js/bin/cmake-js" configure --out "$BUILD" \
  "--CDLIBTORCH=$PREFIX/usr" --CDCMAKE_EXPORT_COMPILE_COMMANDS=ON > "$OUT/configure.log" 2>&1 ||
  { tail -30 "$OUT/configure.log"; exit 1; }
grep -q "kokoro-native: libtorch $TORCH_VERSION from $PREFIX" "$OUT/configure.log" ||
  { echo "configure did not pick libtorch $TORCH_VERSION from $PREFIX:" >&2;
    grep "kokoro-native: libtorch" "$OUT/configure.log" >&2; exit 1; }

# --- 3. compile every translation unit ---------------------------------------------------------
# One line per unit: directory, object, command (the command is compile_commands.json's, plus a
# dependency file that lists system headers too).
node -e '
  const units = require(process.argv[1]);
  for (const u of units) {
    const object = u.command.match(/ -o (\S+)/)[1];
    process.stdout.write(`${u.directory}\t${object}\t${u.command} -MD -MF ${object}.d\0`);
  }' "$BUILD/compile_commands.json" > "$OUT/units"
UNITS=$(tr -cd '\0' < "$OUT/units" | wc -c)
compile_one() {
  local directory object command
  IFS=$'\t' read -r directory object command <<< "$1"
  mkdir -p "$directory/$(dirname "$object")"
  if (cd "$directory" && eval "$command") > "$directory/$object.log" 2>&1; then :; else
    echo "FAILED: $object" >> "$directory/$object.log"
  fi
}
export -f compile_one
echo "== compile $UNITS translation units, $JOBS at a time"
xargs -0 -P "$JOBS" -I{} bash -c 'compile_one "$1"' _ {} < "$OUT/units"
LOGS=$(find "$BUILD" -name '*.o.log' | sort)
cat $LOGS > "$OUT/compile.log"
FAILED=$(grep -c '^FAILED: ' "$OUT/compile.log" || true)
ERRORS=$(grep -c ' error: ' "$OUT/compile.log" || true)
WARNINGS=$(grep -c ' warning: ' "$OUT/compile.log" || true)
OBJECTS=$(find "$BUILD" -name '*.o' | sort)
COMPILED=$(echo "$OBJECTS" | grep -c . || true)

# --- 4. header provenance and imported symbols -------------------------------------------------
SYSTEM_TORCH_HEADERS=$(find "$BUILD" -name '*.o.d' -exec cat {} + | tr ' \\' '\n\n' |
  grep -E '^/usr/include/(ATen|c10|torch|caffe2)/' | sort -u || true)
SYSTEM_TORCH_HEADER_COUNT=$(echo "$SYSTEM_TORCH_HEADERS" | grep -c . || true)
defined_symbols() { nm -D --defined-only --format=just-symbols "$@" 2>/dev/null | sed 's/@.*//'; }
LIB=$PREFIX/usr/lib/$MULTIARCH
{
  nm --defined-only --format=just-symbols $OBJECTS
  defined_symbols "$LIB"/libtorch*.so.* "$LIB"/libc10*.so.*
  defined_symbols $(for l in libstdc++.so.6 libgcc_s.so.1 libc.so.6 libm.so.6 ld-linux-x86-64.so.2 \
    libz.so.1 libespeak-ng.so.1; do ls /usr/lib/"$MULTIARCH"/$l /lib/"$MULTIARCH"/$l 2>/dev/null | head -1; done)
  # glibc links atexit and friends statically from libc_nonshared.a.
  nm --defined-only --format=just-symbols /usr/lib/"$MULTIARCH"/libc_nonshared.a 2>/dev/null
} | sort -u > "$OUT/defined-symbols"
# Strong references only ("U"): a weak one ("w", e.g. the TLS init function of a thread_local
# that needs none) may stay unresolved. napi_*/node_api_* come from node at load time; the
# others from the linker.
nm --undefined-only $OBJECTS | awk '$1 == "U" { print $2 }' | sort -u |
  grep -vE '^(napi_|node_api_|_GLOBAL_OFFSET_TABLE_$|__dso_handle$)' > "$OUT/imported-symbols"
comm -23 "$OUT/imported-symbols" "$OUT/defined-symbols" > "$OUT/unresolved-symbols"
IMPORTED=$(wc -l < "$OUT/imported-symbols")
UNRESOLVED=$(wc -l < "$OUT/unresolved-symbols")

# --- 5. the TorchScript archives ---------------------------------------------------------------
ARCHIVES_OK=yes
/usr/bin/python3 models/tools/archive_compat.py --include "$PREFIX/usr/include" \
  --library "$(ls "$LIB"/libtorch_cpu.so.* | head -1)" models/arch/*.pt > "$OUT/archives.log" 2>&1 ||
  ARCHIVES_OK=no

# --- summary -----------------------------------------------------------------------------------
{
  echo "libtorch $TORCH_VERSION ($SUITE: $PACKAGES), $(c++ --version | head -1), $(date -u +%Y-%m-%d)"
  echo "translation units: $UNITS, compiled: $COMPILED, failed: $FAILED; errors: $ERRORS, warnings: $WARNINGS"
  grep ' warning: ' "$OUT/compile.log" | sed 's/^/  /' | sort | uniq -c | head -20 || true
  echo "headers from the system's libtorch: $SYSTEM_TORCH_HEADER_COUNT"
  echo "$SYSTEM_TORCH_HEADERS" | head -5 | sed '/^$/d; s/^/  /'
  echo "imported symbols: $IMPORTED, not exported by libtorch $TORCH_VERSION or the system: $UNRESOLVED"
  c++filt < "$OUT/unresolved-symbols" | head -20 | sed 's/^/  /'
  echo "TorchScript archives:"
  sed 's/^/  /' "$OUT/archives.log"
} | tee "$OUT/summary.txt"
[ "$FAILED" = 0 ] && [ "$ERRORS" = 0 ] && [ "$COMPILED" = "$UNITS" ] &&
  [ "$SYSTEM_TORCH_HEADER_COUNT" = 0 ] && [ "$UNRESOLVED" = 0 ] && [ "$ARCHIVES_OK" = yes ]
