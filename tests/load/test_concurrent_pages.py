"""Pages after the first are fetched in parallel, in a bounded pool, and kept in order."""

import math
import threading
import time

import duckdb

from load.pipeline import run_load
from tests.conftest import options_for


def test_pages_come_in_parallel_within_the_pool_and_exactly_once_each(company, sandbox, data_dir):
    handle, lock = sandbox.handle, threading.Lock()
    in_flight, peak, pages = [0], [0], []

    def observing(request):
        if not request.path.endswith("/rfis"):
            return handle(request)
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
            pages.append((request.path, request.param("page")))
        time.sleep(0.05)  # long enough for parallel requests to overlap
        try:
            return handle(request)
        finally:
            with lock:
                in_flight[0] -= 1

    sandbox.handle = observing
    per_page = 5
    summary = run_load(
        data_dir / "raw.duckdb",
        data_dir / "pipelines",
        **options_for(sandbox, company, per_page=per_page, page_workers=3, resources=["rfis"]),
    )
    assert 1 < peak[0] <= 3
    assert len(pages) == len(set(pages)), "no page is asked for twice"
    expected_pages = sum(
        math.ceil(len(company.project_rows("rfis", p["id"])) / per_page) for p in company.projects
    )
    assert len(pages) == expected_pages
    # token, companies, projects, then exactly the RFI pages: the minimum.
    assert summary.stats.requests == 3 + expected_pages
    with duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as connection:
        ids = [row[0] for row in connection.execute("select id from procore.rfis").fetchall()]
    assert sorted(ids) == sorted(rfi["id"] for rfi in company.all_rfis())
