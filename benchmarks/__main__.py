"""``python -m benchmarks [NAME...]``: run every ``benchmarks/bench_*.py`` (or those named)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks


def main(names: list[str]) -> None:
    modules = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    unknown = [n for n in names if f"bench_{n}" not in modules and n not in modules]
    if unknown:
        sys.exit(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(m[6:] for m in modules)}")
    for module_name in modules:
        if names and module_name not in names and module_name[6:] not in names:
            continue
        print(f"== {module_name[6:]} ==", flush=True)
        importlib.import_module(f"benchmarks.{module_name}").run()


if __name__ == "__main__":
    main(sys.argv[1:])
