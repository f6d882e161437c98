#!/usr/bin/env bash
# Downloads packages from another Debian suite through a private apt list (nothing is added to
# /etc/apt) and unpacks them, without installing, under $ENGINES/<suite>/root.
#   debian-suite.sh SUITE PACKAGE...                  e.g. debian-suite.sh sid docker.io containerd
#   debian-suite.sh --download-only SUITE PACKAGE...  only download into $ENGINES/<suite>/debs;
#                                                     prints each .deb's path (one a line) on stdout
#                                                     (e.g. for a later `dpkg -i`)
# ENGINES defaults to /var/cache/oci-metadata-engines. Idempotent: a package already unpacked
# (or downloaded) at the same version is skipped. The version is the suite's own (apt-cache
# madison), never the installed one.
set -euo pipefail
mode=unpack
if [ "${1:-}" = --download-only ]; then mode=download; shift; fi
[ $# -ge 2 ] || { echo "usage: debian-suite.sh [--download-only] SUITE PACKAGE..." >&2; exit 2; }
suite=$1; shift
ENGINES=${ENGINES:-/var/cache/oci-metadata-engines}
T=$ENGINES/$suite
mkdir -p "$T/etc" "$T/lists/partial" "$T/debs" "$T/root"
uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" > "$T/etc/sources.list"
o=(-oDir::Etc::SourceList="$T/etc/sources.list" -oDir::Etc::SourceParts=/dev/null -oDir::State::Lists="$T/lists" -oDir::Cache="$T/cache" -oAPT::Sandbox::User=root)
mkdir -p "$T/cache/archives/partial"
if [ -z "$(find "$T/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
  apt-get "${o[@]}" update -qq >&2
fi
for pkg in "$@"; do
  version=$(apt-cache "${o[@]}" madison "$pkg" | awk -F'|' -v s=" $suite/" '{gsub(/ /, "", $2)} index($3, s) {print $2; exit}')
  [ -n "$version" ] || { echo "debian-suite: $pkg not in $suite" >&2; exit 1; }
  deb=$(find "$T/debs" -maxdepth 1 -name "${pkg}_${version//:/%3a}_*.deb" | head -1)
  if [ -z "$deb" ] && { [ $mode = download ] || [ ! -e "$T/root/.unpacked-$pkg-$version" ]; }; then
    (cd "$T/debs" && apt-get "${o[@]}" download "$pkg=$version" >/dev/null)
    deb=$(find "$T/debs" -maxdepth 1 -name "${pkg}_${version//:/%3a}_*.deb" | head -1)
    [ -n "$deb" ] || { echo "debian-suite: download of $pkg $version failed" >&2; exit 1; }
    echo "debian-suite: downloaded $pkg $version from $suite" >&2
  fi
  if [ $mode = download ]; then echo "$deb"; continue; fi
  stamp="$T/root/.unpacked-$pkg-$version"
  [ -e "$stamp" ] && continue
  dpkg-deb -x "$deb" "$T/root"
  touch "$stamp"
  echo "debian-suite: unpacked $pkg $version from $suite into $T/root"
done
