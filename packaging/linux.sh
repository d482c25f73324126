#!/usr/bin/env bash
# Builds the Debian package target/package/parkplan_<version>-1_amd64.deb with cargo-deb
# (settings: [package.metadata.deb] in Cargo.toml). Run on demand, not in CI:
#
#   packaging/linux.sh              # release build (about 12-14 min on 2 cores) + .deb
#   packaging/linux.sh --no-build   # package the binaries already in target/release
#
# Installs librsvg2-bin (as root, or with sudo -n) and cargo-deb when missing. The .deb
# holds parkplan and parkplan-cli in /usr/bin, the sample map in
# /usr/share/parkplan/maps, a menu entry, icons (hicolor, from assets/icon/parkplan.svg)
# and the application/x-parkplan MIME type for *.parkplan projects; dpkg's triggers
# refresh the menu, icon and MIME caches.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=packaging/common.sh
source packaging/common.sh

NO_BUILD=false
if [[ ${1:-} == --no-build ]]; then
    NO_BUILD=true
fi

need_packages librsvg2-bin icoutils
if ! cargo deb --version >/dev/null 2>&1; then
    cargo install --locked cargo-deb
fi

VERSION=$(cargo_version)
echo "ParkPlan $VERSION, built $PARKPLAN_BUILD_DATE"
render_icons target/package/linux-icons
mkdir -p target/package
if $NO_BUILD; then
    cargo deb --no-build --output target/package/
else
    # cargo-deb runs `cargo build --release` (with PARKPLAN_BUILD_DATE from common.sh).
    cargo deb --output target/package/
fi
DEB=$(ls -t target/package/parkplan_"$VERSION"*_amd64.deb | head -n 1)
dpkg-deb --info "$DEB" | sed -n '/Package:/,$p'
echo "package: $DEB"
