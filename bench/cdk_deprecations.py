"""What the CDK003 deprecation index costs: building it from the installed aws-cdk-lib's jsii assembly (once per
aws-cdk-lib version) and loading it from the cache (every later process), plus its size.

    python bench/cdk_deprecations.py [--runs 5]

The build runs with a throw-away cache directory so the real cache is left alone. Skips cleanly when aws-cdk-lib
is not installed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

from iacqa.frontends.cdk_py import deprecations


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    tgz = deprecations.assembly_path()
    if tgz is None:
        print("aws-cdk-lib is not installed: nothing to measure")
        return 0
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache
        start = time.monotonic()
        built = deprecations.load(tgz)
        build_s = time.monotonic() - start
        if built is None:
            print(f"cannot read {tgz}")
            return 1
        loads = []
        for _ in range(args.runs):
            start = time.monotonic()
            index = deprecations.load(tgz)
            loads.append(time.monotonic() - start)
            assert index is not None and index.source == "cache"
        size = deprecations._cache_file(built.version).stat().st_size
    print(f"aws-cdk-lib {built.version}: assembly {tgz.stat().st_size / 1e6:.1f} MB")
    print(f"build from the assembly: {build_s:.2f} s (once per aws-cdk-lib version)")
    print(f"load from the cache: median {statistics.median(loads) * 1000:.0f} ms, max {max(loads) * 1000:.0f} ms "
          f"over {args.runs} runs; cache file {size / 1e3:.0f} kB")
    print(f"index: {len(built.notes)} deprecations, {len(built.symbols)} symbols ({len(built.types)} types), "
          f"{sum(len(v) for v in built.keywords.values())} keywords on {len(built.keywords)} call targets, "
          f"{len(built.replacements)} with a named replacement")
    return 0


if __name__ == "__main__":
    sys.exit(main())
