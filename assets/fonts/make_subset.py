#!/usr/bin/env python3
"""Regenerate assets/fonts/NotoSansSC-ParkPlan.otf from the Noto Sans CJK TTC.

Usage:
    python3 assets/fonts/make_subset.py [TTC] [-o OUT] [--maps DIR] [--print-only]

    TTC       default /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
              (Debian package fonts-noto-cjk)
    -o OUT    default: NotoSansSC-ParkPlan.otf next to this script
    --maps    default: <repo>/maps; every *.geojson and *.json under it (recursively)
              contributes its characters, so place names in the bundled maps are covered
    --print-only  print the character counts and the pyftsubset command, write no font
    --write-unicodes FILE  also write the code point list (one U+XXXX a line), the
              UNICODES.txt of the printed pyftsubset command

Needs only the Python standard library and fonttools (pip install fonttools).
The face is picked by its name table (family "Noto Sans CJK SC", not the Mono face),
not by a hard-coded index; in fonts-noto-cjk 1:20220127 it is index 2.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_TTC = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEFAULT_OUT = HERE / "NotoSansSC-ParkPlan.otf"
WANTED_FAMILY = "Noto Sans CJK SC"

# Code point ranges (inclusive).
RANGES = [
    (0x0020, 0x007E),  # ASCII printable
    (0x00A0, 0x00FF),  # Latin-1 Supplement (printable part)
    (0x2000, 0x206F),  # General Punctuation
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]

# UI and map-label symbols. Those the font lacks are reported and skipped
# (the app must draw them some other way or use a fallback font).
EXTRA_SYMBOLS = (
    "° ² ³ ± × · • → ▸ ◂ ▴ ▾ ✓ ✗ ⌂ ↶ ↷ ✎ ⌫ … — ‘ ’ “ ” 、 。 「 」 ・ ™ © ℃ ㎡"
)

# Only these OpenType layout features are kept; the rest (vertical forms, aalt,
# fwid/hwid, ligatures ...) are dropped to save space.
LAYOUT_FEATURES = ["locl", "kern", "palt"]

# GSUB language systems kept besides each script's default one. In the SC face
# 'locl' under JAN/KOR/ZHH/ZHT swaps in Japanese, Korean and Traditional (TW/HK)
# glyph variants: keeping those would add about 5,800 glyphs (1.6 MB -> 2.9 MB)
# that Simplified Chinese text never uses. ZHS and the default language systems
# (Latin digits and a few punctuation forms) cost only about 20 glyphs.
KEEP_LANGSYS = {"ZHS "}


def gb2312_codepoints() -> set[int]:
    """Every character of GB2312 (symbols rows 1-9, level-1 and level-2 hanzi),
    found by decoding every valid double-byte sequence with Python's codec."""
    cps: set[int] = set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                s = bytes((lead, trail)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            cps.update(ord(c) for c in s)
    return cps


def map_codepoints(maps_dir: Path) -> tuple[set[int], list[Path]]:
    cps: set[int] = set()
    files: list[Path] = []
    if not maps_dir.is_dir():
        return cps, files
    for path in sorted(maps_dir.rglob("*")):
        if path.is_file() and path.suffix.lower() in (".geojson", ".json"):
            files.append(path)
            text = path.read_bytes().decode("utf-8", errors="ignore")
            cps.update(ord(c) for c in text if ord(c) >= 0x20)
    return cps, files


def find_face(ttc: str) -> int:
    coll = TTCollection(ttc, lazy=True)
    for i, font in enumerate(coll.fonts):
        if font["name"].getDebugName(1) == WANTED_FAMILY:
            return i
    sys.exit(f"error: no face with family {WANTED_FAMILY!r} in {ttc}")


def prune_language_systems(font: TTFont) -> None:
    """Drop GSUB language systems not in KEEP_LANGSYS (pyftsubset has no flag for
    this). The subsetter's glyph closure follows the script list, so the glyphs
    reachable only from the dropped language systems are left out."""
    if "GSUB" not in font:
        return
    table = font["GSUB"].table
    for rec in table.ScriptList.ScriptRecord:
        script = rec.Script
        script.LangSysRecord = [r for r in script.LangSysRecord if r.LangSysTag in KEEP_LANGSYS]
        script.LangSysCount = len(script.LangSysRecord)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ttc", nargs="?", default=DEFAULT_TTC)
    ap.add_argument("-o", "--output", default=str(DEFAULT_OUT))
    ap.add_argument("--maps", default=str(REPO / "maps"))
    ap.add_argument("--print-only", action="store_true")
    ap.add_argument("--write-unicodes", metavar="FILE")
    args = ap.parse_args()

    index = find_face(args.ttc)
    src = TTFont(args.ttc, fontNumber=index, lazy=True)
    cmap = src.getBestCmap()

    wanted: set[int] = set()
    for lo, hi in RANGES:
        wanted.update(range(lo, hi + 1))
    gb = gb2312_codepoints()
    wanted |= gb
    map_cps, map_files = map_codepoints(Path(args.maps))
    wanted |= map_cps
    symbols = {ord(c) for c in EXTRA_SYMBOLS if not c.isspace()}
    wanted |= symbols

    present = sorted(cp for cp in wanted if cp in cmap)
    missing_symbols = sorted(cp for cp in symbols if cp not in cmap)
    missing_maps = sorted(cp for cp in map_cps if cp not in cmap)
    missing_gb = sorted(cp for cp in gb if cp not in cmap)

    print(f"source face: {args.ttc} #{index} ({src['name'].getDebugName(4)}, "
          f"{src['name'].getDebugName(5)})")
    print(f"GB2312 characters: {len(gb)}; map files: {len(map_files)} "
          f"({len(map_cps)} distinct characters)")
    print(f"requested code points: {len(wanted)}; present in the font: {len(present)}")
    for label, miss in (("symbols", missing_symbols), ("GB2312", missing_gb),
                        ("map text", missing_maps)):
        if miss:
            print(f"not in the font ({label}): "
                  + " ".join(f"U+{cp:04X} {chr(cp)}" for cp in miss))

    if args.write_unicodes:
        Path(args.write_unicodes).write_text("".join(f"U+{cp:04X}\n" for cp in present))

    # The flags below are exactly pyftsubset's; the unicodes go in as a file.
    flags = [
        f"--font-number={index}",
        f"--layout-features={','.join(LAYOUT_FEATURES)}",
        "--no-hinting",
        "--name-IDs=*",
        "--name-languages=*",
        "--notdef-outline",
    ]
    print("pyftsubset " + shlex.quote(args.ttc) + " " + " ".join(shlex.quote(a) for a in flags)
          + " --unicodes-file=UNICODES.txt" + f" --output-file={shlex.quote(args.output)}")
    print(f"  + before subsetting: GSUB language systems other than the default and "
          f"{sorted(KEEP_LANGSYS)} removed")
    if args.print_only:
        return 0

    options = subset.Options()
    rest = options.parse_opts(flags)
    assert not rest, rest
    font = subset.load_font(args.ttc, options, dontLoadGlyphNames=True)
    prune_language_systems(font)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=present)
    subsetter.subset(font)
    # The TTC's CJK faces share one CFF table whose FontName is the JP face's;
    # make it match this face's PostScript name (name ID 6), as OpenType asks.
    if "CFF " in font:
        font["CFF "].cff.fontNames = [font["name"].getDebugName(6)]
    subset.save_font(font, args.output, options)

    out = TTFont(args.output)
    print(f"wrote {args.output}: {os.path.getsize(args.output)} bytes, "
          f"{out['maxp'].numGlyphs} glyphs, {len(out.getBestCmap())} cmap entries, "
          f"family {out['name'].getDebugName(1)!r}, "
          f"PostScript {out['name'].getDebugName(6)!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
