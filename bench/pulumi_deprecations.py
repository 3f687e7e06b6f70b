"""What the SDK007 deprecation indexes cost: building them from the installed pulumi_aws's generated Python sources
and from the Node toolchain's @pulumi/aws declaration files (once per version each), and loading them from the
cache (every later process), plus their sizes.

    python bench/pulumi_deprecations.py [--runs 5]

The builds run with a throw-away cache directory so the real cache is left alone. Each half skips cleanly when
its package is not installed. The first build after boot also measures the disk (pulumi_aws is ~270 MB of
sources, every file is scanned for the markers).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from iacqa.frontends.cdk_py.deprecations import DeprecationIndex
from iacqa.frontends.pulumi_py import deprecations as py
from iacqa.frontends.pulumi_ts import deprecated as ts


def measure(label: str, load: Callable[[], DeprecationIndex | None], cache_file: Callable[[str], Path],
            runs: int) -> None:
    start = time.monotonic()
    built = load()
    build_s = time.monotonic() - start
    if built is None:
        print(f"{label}: not installed, nothing to measure")
        return
    loads = []
    for _ in range(runs):
        start = time.monotonic()
        index = load()
        loads.append(time.monotonic() - start)
        assert index is not None and index.source == "cache"
    size = cache_file(built.version).stat().st_size
    print(f"{label} {built.version}: build {build_s:.2f} s (once per version); load from the cache: median "
          f"{statistics.median(loads) * 1000:.0f} ms, max {max(loads) * 1000:.0f} ms over {runs} runs; cache file "
          f"{size / 1e3:.0f} kB")
    print(f"  index: {len(built.notes)} deprecations, {len(built.types)} deprecated classes, "
          f"{len(built.symbols) - len(built.types)} members/results, "
          f"{sum(len(v) for v in built.keywords.values())} keywords on {len(built.keywords)} call targets")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache
        measure("pulumi_aws (Python)", py.load, py._cache_file, args.runs)
        from iacqa.toolchain import node

        tc = node.find()
        pkg = tc.node_modules / ts.PACKAGE if tc is not None else None
        if pkg is None:
            print("@pulumi/aws (TypeScript): no Node toolchain, nothing to measure")
        else:
            measure("@pulumi/aws (TypeScript)", lambda: ts.load(pkg), ts._cache_file, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
