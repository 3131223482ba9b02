"""Rerunnable benchmark of the legal clock: ``python bench/bench_clock.py [--n N] [--json]``
(the same as ``zhengfa clock bench``). Results are recorded in bench/README.md."""

from __future__ import annotations

import sys

from zhengfa.clock.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
