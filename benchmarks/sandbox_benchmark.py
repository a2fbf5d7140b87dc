"""Benchmark the sandbox: generation time, page latency and peak memory.

    .venv/bin/python benchmarks/sandbox_benchmark.py [--requests 200]

Prints figures; asserts nothing. The sandbox's targets: a 1,000-record page in under 50 ms
median, `large` generated in under 60 s on a 2-core machine, so that the sandbox is never the
bottleneck of a loader benchmark.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from datetime import UTC, datetime

import requests

from sandbox import ProcoreSandbox, SandboxSettings, generate_company

CLOCK = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def _peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _session(sandbox: ProcoreSandbox) -> requests.Session:
    """A session authorised as the sandbox's DMSA client, with the company header."""
    response = requests.post(
        f"{sandbox.login_url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": sandbox.settings.client_id,
            "client_secret": sandbox.settings.client_secret,
        },
        timeout=30,
    )
    response.raise_for_status()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    session.headers["Procore-Company-Id"] = str(sandbox.company.company_id)
    return session


def _busiest_project_endpoint(company) -> tuple[str, int]:
    """The project-scoped list with the most records in one project, for full pages."""
    from sandbox.served_lists import load_served_lists

    best = ("", 0, 0)
    for endpoint in load_served_lists():
        if endpoint.scope != "project" or not endpoint.paginated or endpoint.date_scope_field:
            continue
        for project in company.projects:
            count = len(company.project_rows(endpoint.resource, project["id"]))
            if count > best[2]:
                best = (
                    endpoint.path.replace("{project_id}", str(project["id"])),
                    project["id"],
                    count,
                )
    return best[0], best[1]


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200, help="page requests to time")
    args = parser.parse_args()

    small_times = [_timed(generate_company, 42, "small", CLOCK)[1] for _ in range(5)]
    print(f"generate small: {statistics.median(small_times) * 1000:.0f} ms (median of 5)")
    large, seconds = _timed(generate_company, 42, "large", CLOCK)
    total = sum(len(rows) for rows in large.records.values())
    print(f"generate large: {seconds:.1f} s, {len(large.projects)} projects, {total:,} records")

    path, project_id = _busiest_project_endpoint(large)
    # Page latency, not rate limiting, is measured here: no spike window.
    settings = SandboxSettings(rate_limit_spike=None)
    with ProcoreSandbox(large, settings) as sandbox, _session(sandbox) as session:
        params = {"per_page": 1000, "project_id": project_id}
        latencies = []
        records = 0
        for _ in range(args.requests):
            started = time.perf_counter()
            response = session.get(f"{sandbox.base_url}{path}", params=params)
            body = response.content
            latencies.append(time.perf_counter() - started)
            records = records or len(response.json())
            assert response.status_code == 200, body[:200]
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"serve {records}-record pages of {path.split('?')[0]}: "
        f"median {statistics.median(latencies) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms "
        f"over {len(latencies)} requests ({len(body) / 1024:.0f} KiB each)"
    )
    print(f"peak memory: {_peak_memory_mb():.0f} MiB")


if __name__ == "__main__":
    main()
