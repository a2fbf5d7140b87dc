"""A short text summary of what the marts say, printed after a demo or a build."""

from __future__ import annotations

from pathlib import Path

import duckdb


def rfi_aging_summary(warehouse: Path) -> list[str]:
    """Lines describing the RFI aging mart: backlog, lateness, buckets and ball in court."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        totals = connection.execute(
            """
            select
                max(as_of_date),
                count(distinct project_id),
                count(*) filter (where is_open),
                count(*) filter (where is_overdue),
                median(days_open) filter (where is_open),
                count(*) filter (where rfi_status = 'closed'),
                avg(days_open) filter (where rfi_status = 'closed'),
                avg(case when is_closed_late then 1.0 else 0.0 end)
                    filter (where rfi_status = 'closed'),
                count(*) filter (where rfi_status = 'draft')
            from marts.fct_rfi_aging
            """
        ).fetchone()
        buckets = connection.execute(
            """
            select aging_bucket, count(*)
            from marts.fct_rfi_aging
            where aging_bucket is not null
            group by aging_bucket, aging_bucket_order
            order by aging_bucket_order
            """
        ).fetchall()
        holders = connection.execute(
            """
            select ball_in_court_name, count(*) as open_rfis
            from marts.fct_rfi_aging
            where is_open and ball_in_court_name is not null
            group by ball_in_court_name
            order by open_rfis desc, ball_in_court_name
            limit 3
            """
        ).fetchall()
    (as_of, projects, open_rfis, overdue, median_open, closed, avg_close, late_share, drafts) = (
        totals
    )
    lines = [
        f"RFI aging as of {as_of}, {projects} projects:",
        f"  open RFIs: {open_rfis} ({overdue} overdue), median {_number(median_open)} days open",
        "  open by age: " + (" | ".join(f"{name}: {count}" for name, count in buckets) or "none"),
        f"  closed RFIs: {closed}, {_number(avg_close)} days open on average, "
        f"{_percent(late_share)} closed after their due date; drafts: {drafts}",
    ]
    if holders:
        lines.append(
            "  ball in court: " + ", ".join(f"{name} ({count} open)" for name, count in holders)
        )
    return lines


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
