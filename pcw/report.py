"""A short text summary of what the marts say, printed after a demo or a build."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb


def warehouse_summary(warehouse: Path) -> list[str]:
    """Every mart's summary: budget per project, change order exposure, then RFI aging."""
    return [
        *budget_summary(warehouse),
        *exposure_summary(warehouse),
        *rfi_aging_summary(warehouse),
    ]


def budget_summary(warehouse: Path) -> list[str]:
    """Lines per project: revised budget, committed, projected over/under and lines over."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            """
            select
                financials.project_name,
                financials.revised_budget,
                financials.committed_costs,
                financials.projected_over_under,
                financials.revised_contract_value,
                financials.projected_margin,
                financials.percent_complete,
                count(lines.budget_line_id) filter (where lines.is_over_budget)
            from marts.fct_project_financials as financials
            left join marts.fct_budget_vs_commitments as lines
                on financials.project_id = lines.project_id
            group by all
            order by financials.project_name
            """
        ).fetchall()
    lines = ["Budget vs commitments, per project (projected over/under: negative is an overrun):"]
    for name, revised, committed, over_under, contract, margin, complete, over in rows:
        lines.append(
            f"  {name}: revised budget {_money(revised)}, committed {_money(committed)}, "
            f"over/under {_money(over_under)} ({over} lines over); contract {_money(contract)}, "
            f"projected margin {_money(margin)}, {_percent(complete)} complete"
        )
    return lines


def exposure_summary(warehouse: Path) -> list[str]:
    """Lines on change order exposure over all projects."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        totals = connection.execute(
            """
            select
                sum(unpriced_exposure),
                sum(unpriced_exposure_cost),
                sum(prime_pending_amount),
                sum(prime_approved_amount),
                sum(commitment_pending_amount),
                sum(unfunded_commitment_changes),
                sum(unfunded_change_order_count),
                sum(unfunded_over_60_days),
                sum(change_order_margin),
                max(oldest_pending_days)
            from marts.fct_change_order_exposure
            """
        ).fetchall()[0]
    (unpriced, unpriced_cost, prime_pending, prime_approved, commitment_pending, unfunded,
     unfunded_count, unfunded_old, margin, oldest) = totals  # fmt: skip
    return [
        "Change order exposure, all projects:",
        f"  unpriced change events: {_money(unpriced)} at revenue ROM "
        f"({_money(unpriced_cost)} estimated cost)",
        f"  prime PCOs pending: {_money(prime_pending)} (approved {_money(prime_approved)}); "
        f"commitment PCOs pending: {_money(commitment_pending)}",
        f"  unfunded commitment change orders: {_money(unfunded)} in {unfunded_count or 0} "
        f"({_money(unfunded_old)} over 60 days); margin on change {_money(margin)}; "
        f"oldest pending change order {oldest if oldest is not None else '-'} days",
    ]


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
        ).fetchall()[0]
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


def _money(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
