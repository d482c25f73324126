#!/usr/bin/env python3
"""Compare two JSON files: the same structure, equal strings, booleans, nulls and
integers, and floats equal to a relative tolerance (default 1e-9).

Used by .ci/run to compare `parkplan-cli report --json` of the Windows build (run
under Wine) with the Linux build's. Floating-point areas may differ in their last
digits between the two C runtimes' maths, nothing else may.

Usage: json_close.py A.json B.json [--rel 1e-9]
Exit 0 when close, 1 when not (the first differences are printed), 2 on bad input.
"""

import json
import math
import sys

MAX_SHOWN = 20


def compare(a, b, path, rel, diffs, stats):
    if isinstance(a, bool) or isinstance(b, bool):
        if type(a) is not type(b) or a != b:
            diffs.append(f"{path}: {a!r} != {b!r}")
        return
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            if a != b:
                diffs.append(f"{path}: {a} != {b}")
            return
        stats["floats"] += 1
        fa, fb = float(a), float(b)
        if fa == fb or (math.isnan(fa) and math.isnan(fb)):
            return
        scale = max(abs(fa), abs(fb))
        err = abs(fa - fb) / scale
        stats["max_rel"] = max(stats["max_rel"], err)
        stats["inexact"] += 1
        if err > rel:
            diffs.append(f"{path}: {fa!r} vs {fb!r} (relative {err:.3g} > {rel:g})")
        return
    if type(a) is not type(b):
        diffs.append(f"{path}: {type(a).__name__} != {type(b).__name__}")
        return
    if isinstance(a, dict):
        if list(a.keys()) != list(b.keys()):
            only_a = [k for k in a if k not in b]
            only_b = [k for k in b if k not in a]
            diffs.append(
                f"{path}: keys differ (only left {only_a}, only right {only_b}, or order)"
            )
        for key in a:
            if key in b:
                compare(a[key], b[key], f"{path}.{key}", rel, diffs, stats)
        return
    if isinstance(a, list):
        if len(a) != len(b):
            diffs.append(f"{path}: length {len(a)} != {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{path}[{i}]", rel, diffs, stats)
        return
    stats["strings"] += isinstance(a, str)
    if a != b:
        diffs.append(f"{path}: {a!r} != {b!r}")


def main(argv):
    args = argv[1:]
    rel = 1e-9
    if "--rel" in args:
        i = args.index("--rel")
        rel = float(args[i + 1])
        del args[i : i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as f:
            left = json.load(f)
        with open(args[1], encoding="utf-8") as f:
            right = json.load(f)
    except (OSError, ValueError) as e:
        print(f"json_close: {e}", file=sys.stderr)
        return 2
    diffs = []
    stats = {"floats": 0, "inexact": 0, "max_rel": 0.0, "strings": 0}
    compare(left, right, "$", rel, diffs, stats)
    summary = (
        f"{stats['strings']} strings, {stats['floats']} floats "
        f"({stats['inexact']} not bit-equal, max relative difference {stats['max_rel']:.3g})"
    )
    if diffs:
        print(f"json_close: {args[0]} and {args[1]} differ: {len(diffs)} differences; {summary}")
        for d in diffs[:MAX_SHOWN]:
            print(f"  {d}")
        if len(diffs) > MAX_SHOWN:
            print(f"  ... and {len(diffs) - MAX_SHOWN} more")
        return 1
    print(f"json_close: equal within {rel:g} relative: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
