"""Generate the ``large`` company once and print its record counts and generation time.

The brief for the sandbox asks that ``generate_company(scale="large")`` reach at least one
million records and stay under 60 seconds; this is too slow for the unit tests, so it is
checked here by hand::

    .venv/bin/python benchmarks/generate_large.py [--seed 42]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from sandbox import generate_company
from sandbox.domain.financials import RESOURCES, compute_budget_rows

CLOCK = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)


def main() -> None:
    """Generate, time and count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", default="large")
    args = parser.parse_args()
    started = time.perf_counter()
    company = generate_company(seed=args.seed, scale=args.scale, clock=CLOCK)
    elapsed = time.perf_counter() - started
    total = sum(len(rows) for rows in company.records.values())
    financial = sum(len(company.rows(key)) for key in RESOURCES)
    for key, rows in sorted(company.records.items()):
        print(f"{key:40s} {len(rows):>10,}")
    started = time.perf_counter()
    for project in company.projects:
        compute_budget_rows(company, project["id"])
    budget = time.perf_counter() - started
    print(f"{'financial records':40s} {financial:>10,}")
    print(f"{'all records':40s} {total:>10,}")
    print(f"generation: {elapsed:.1f} s for {len(company.projects)} projects "
          f"({'under' if elapsed < 60 else 'OVER'} the 60 s budget); "
          f"budget recompute for every project: {budget:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
