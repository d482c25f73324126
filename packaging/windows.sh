#!/usr/bin/env bash
# Builds the Windows installer ParkPlan-Setup-<version>.exe on Debian 12 (cross-build,
# no Windows machine needed). Run on demand, not in CI:
#
#   packaging/windows.sh            # release build (about 14 min on 2 cores)
#   packaging/windows.sh --debug    # debug build: quick check of the installer script
#
# Installs (as root, or with sudo -n) gcc-mingw-w64-x86-64-posix, nsis, librsvg2-bin and
# icoutils when missing and adds the x86_64-pc-windows-gnu Rust target. The icon from
# assets/icon/parkplan.svg goes into the .exe files (a resource linked in), the
# shortcuts and the .parkplan file association. Output: target/package/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=packaging/common.sh
source packaging/common.sh

TARGET=x86_64-pc-windows-gnu
PROFILE=release
CARGO_PROFILE=(--release)
if [[ ${1:-} == --debug ]]; then
    PROFILE=debug
    CARGO_PROFILE=()
fi

need_packages gcc-mingw-w64-x86-64-posix nsis librsvg2-bin icoutils
rustup target add "$TARGET"

VERSION=$(cargo_version)
OUT=target/package
WORK=$OUT/windows-$PROFILE
STAGE=$WORK/stage
rm -rf "$WORK"
mkdir -p "$STAGE"
echo "ParkPlan $VERSION, built $PARKPLAN_BUILD_DATE ($PROFILE)"

# Icons, and a resource object that gives the .exe files the icon and version info.
render_icons "$WORK/icons"
cp "$WORK/icons/parkplan.ico" "$STAGE/parkplan.ico"
IFS=. read -r V1 V2 V3 <<<"$VERSION"
cat >"$WORK/parkplan.rc" <<RC
1 ICON "parkplan.ico"
1 VERSIONINFO
FILEVERSION $V1,$V2,${V3%%[!0-9]*},0
PRODUCTVERSION $V1,$V2,${V3%%[!0-9]*},0
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "ProductName", "ParkPlan"
      VALUE "FileDescription", "ParkPlan desktop GIS"
      VALUE "ProductVersion", "$VERSION"
      VALUE "FileVersion", "$VERSION"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
RC
(cd "$WORK" && cp icons/parkplan.ico . && x86_64-w64-mingw32-windres parkplan.rc -O coff -o parkplan-res.o)
RES="$PWD/$WORK/parkplan-res.o"

# `cargo rustc` passes the resource to the final link of each executable only, so the
# dependencies are the same build as a plain `cargo build` (nothing rebuilt twice).
for bin in parkplan parkplan-cli; do
    cargo rustc "${CARGO_PROFILE[@]}" --target "$TARGET" --bin "$bin" -- -C link-arg="$RES"
done
cp "target/$TARGET/$PROFILE/parkplan.exe" "target/$TARGET/$PROFILE/parkplan-cli.exe" "$STAGE/"
if [[ $PROFILE == release ]]; then
    x86_64-w64-mingw32-strip "$STAGE/parkplan.exe" "$STAGE/parkplan-cli.exe"
fi
mkdir -p "$STAGE/maps"
cp -a maps/jingzhou-etdz "$STAGE/maps/"
cp README.md CHANGELOG.md "$STAGE/"
cp assets/fonts/OFL.txt "$STAGE/OFL.txt"

SETUP="$OUT/ParkPlan-Setup-$VERSION.exe"
if [[ $PROFILE == debug ]]; then
    SETUP="$OUT/ParkPlan-Setup-$VERSION-debug.exe"
fi
makensis -V2 -DVERSION="$VERSION" -DSTAGE="$PWD/$STAGE" -DOUTFILE="$PWD/$SETUP" \
    packaging/windows/parkplan.nsi
ls -l "$SETUP"
echo "installer: $SETUP"
