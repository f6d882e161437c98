#!/usr/bin/env bash
# Downloads packages from another Debian suite through a private apt list (nothing is added to
# /etc/apt) and unpacks them, without installing, under $ENGINES/<suite>/root.
#   debian-suite.sh SUITE PACKAGE...      e.g. debian-suite.sh sid docker.io
# ENGINES defaults to /var/cache/oci-metadata-engines. Idempotent: a package already unpacked
# at the same version is skipped.
set -euo pipefail
suite=$1; shift
ENGINES=${ENGINES:-/var/cache/oci-metadata-engines}
T=$ENGINES/$suite
mkdir -p "$T/etc" "$T/lists/partial" "$T/debs" "$T/root"
uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" > "$T/etc/sources.list"
o=(-oDir::Etc::SourceList="$T/etc/sources.list" -oDir::Etc::SourceParts=/dev/null -oDir::State::Lists="$T/lists" -oDir::Cache="$T/cache")
mkdir -p "$T/cache/archives/partial"
if [ -z "$(find "$T/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
  apt-get "${o[@]}" update -qq
fi
for pkg in "$@"; do
  version=$(apt-cache "${o[@]}" policy "$pkg" | awk '/Candidate:/{print $2}')
  [ -n "$version" ] && [ "$version" != "(none)" ] || { echo "debian-suite: $pkg not in $suite" >&2; exit 1; }
  stamp="$T/root/.unpacked-$pkg-$version"
  [ -e "$stamp" ] && continue
  (cd "$T/debs" && apt-get "${o[@]}" download "$pkg=$version" >/dev/null)
  dpkg-deb -x "$T/debs/${pkg}_${version//:/%3a}_"*.deb "$T/root"
  touch "$stamp"
  echo "debian-suite: unpacked $pkg $version from $suite into $T/root"
done
