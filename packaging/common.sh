# Shared by packaging/windows.sh and packaging/linux.sh (sourced, not run).
# shellcheck shell=bash

# Installs the Debian packages given when they are missing (as root, or with sudo -n).
need_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo=(sudo -n)
    fi
    echo "installing: ${missing[*]}"
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The package version from Cargo.toml.
cargo_version() {
    python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml", "rb"))["package"]["version"])'
}

# render_icons OUT: assets/icon/parkplan.svg as OUT/parkplan-<N>.png for the usual
# sizes and OUT/parkplan.ico (16-256 px). Needs rsvg-convert and icotool.
render_icons() {
    local out=$1 size pngs=()
    mkdir -p "$out"
    for size in 16 24 32 48 64 128 256; do
        rsvg-convert -w "$size" -h "$size" assets/icon/parkplan.svg -o "$out/parkplan-$size.png"
        pngs+=("$out/parkplan-$size.png")
    done
    # 256 px stored as PNG inside the .ico (as Windows Vista+ expects), the rest as BMP.
    icotool -c -o "$out/parkplan.ico" "${pngs[@]:0:6}" -r "$out/parkplan-256.png"
}

# The build date shown in Help > About (src/ui/i18n.rs fmt_version).
PARKPLAN_BUILD_DATE=${PARKPLAN_BUILD_DATE:-$(date -u +%Y-%m-%d)}
export PARKPLAN_BUILD_DATE
