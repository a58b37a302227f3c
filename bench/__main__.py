"""`python -m bench [--quick] [NAME ...]`: run the benchmarks (each prints its own table).

Each `bench/bench_*.py` is run as its own process (`python -m bench.bench_NAME`), so one benchmark's
memory and caches never colour another's figures. `--quick` is passed on to those that accept it.
"""

from __future__ import annotations

import argparse
import pkgutil
import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).parent
    names = sorted(m.name.removeprefix("bench_") for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", choices=names + [[]], metavar="NAME", help=f"some of: {', '.join(names)}")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    status = 0
    for name in args.names or names:
        module = f"bench.bench_{name}"
        source = (here / f"bench_{name}.py").read_text(encoding="utf-8")
        extra = ["--quick"] if args.quick and "--quick" in source else []
        print(f"\n=== {module} {' '.join(extra)}".rstrip(), flush=True)
        status |= subprocess.call([sys.executable, "-m", module, *extra])
    return status


if __name__ == "__main__":
    sys.exit(main())
