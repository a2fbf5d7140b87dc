"""``pcw``: the procore-warehouse command line.

    pcw demo                  sandbox -> load both sources -> dbt build -> summary, all local
    pcw sandbox serve         run the local Procore until stopped
    pcw load                  load Procore (configured in .dlt/) into the raw DuckDB file
    pcw load analytics        load the Procore Analytics share (--list: show its tables)
    pcw build                 dbt build into the warehouse file, swapped in only on success
    pcw run                   load, then build (stops at the first failure): for schedulers
    pcw status                the last loads, raw data freshness, warehouse age
    pcw init                  write .dlt/secrets.toml from the example
    pcw check                 credentials, tools the account may read, next load's requests
    pcw query "select ..."    read the warehouse (read-only)

Errors print one line naming the cause and the fix; ``--debug`` adds the traceback. On a
terminal, loads and builds draw progress bars; ``--quiet`` prints only warnings and errors,
``--verbose`` more detail (before or after the command: ``pcw run --quiet``).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from .arguments import build_parser
from .errors import PcwError
from .output import Output, Verbosity
from .paths import (
    PROJECT_DIR_VARIABLE,
    PROJECT_ROOT,
    DataPaths,
    default_data_dir,
    spark_raw_parquet_dir,
)


def _paths(args: argparse.Namespace) -> DataPaths:
    return DataPaths((args.data_dir or default_data_dir()).resolve())


def _serve(args: argparse.Namespace) -> None:
    from datetime import UTC, timedelta

    from sandbox import SandboxSettings, generate_company
    from sandbox.front_door import Sandbox

    clock = datetime.fromisoformat(args.clock) if args.clock else None
    company = generate_company(seed=args.seed, scale=args.scale, clock=clock)
    settings = SandboxSettings(
        strict_company_header=args.strict_company_header,
        rate_limit_hourly=args.hourly_limit or None,
        rate_limit_spike=args.spike_limit or None,
    )
    share_dir = (args.share_dir or default_data_dir() / "sandbox-share").resolve()
    token_expiry = datetime.now(UTC) + timedelta(days=args.share_token_days)
    # Both doors (REST API and share) describe the same company at the same moment: the
    # front door syncs the share after every advance.
    with Sandbox(
        company,
        share_dir,
        settings,
        host=args.host,
        port=args.port,
        share_port=args.share_port,
        token_expires_at=token_expiry,
    ) as door:
        sandbox, share, tables, profile = door.rest, door.share, door.tables, door.profile
        company_id = company.company_id
        lines = [
            f"Procore sandbox: company {company_id} ({company.company['name']}), "
            f"{len(company.projects)} projects, "
            f"{sum(len(rows) for rows in company.records.values()):,} records "
            f"(scale {args.scale}, seed {args.seed}, clock {company.clock.isoformat()})",
            f"  API base URL:  {sandbox.base_url}",
            f"  login URL:     {sandbox.login_url}",
            f"  client_id:     {settings.client_id}",
            f"  client_secret: {settings.client_secret}   (sandbox-only demo credential)",
            f"  company_id:    {company_id}",
            f"Procore Analytics share: {len(tables)} tables at {share.endpoint}",
            f"  profile file:  {profile}   (bearer token valid until {token_expiry:%Y-%m-%d})",
            "Load the REST API with:",
            f"  SOURCES__PROCORE__ENVIRONMENT=custom SOURCES__PROCORE__BASE_URL={sandbox.base_url} "
            f"SOURCES__PROCORE__COMPANY_IDS='[{company_id}]' "
            f"SOURCES__PROCORE__CLIENT_ID={settings.client_id} "
            f"SOURCES__PROCORE__CLIENT_SECRET={settings.client_secret} pcw load",
            "Move the company's clock (both doors) with:",
            f"  curl -X POST '{sandbox.base_url}/_sandbox/advance?days=1'",
            "Stop with Ctrl-C.",
        ]
        print("\n".join(lines), flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("Sandbox stopped.", flush=True)


# The form each setting of `[sources.procore]` takes, for errors about a malformed one.
SETTING_FORMS = {
    "company_ids": "a list of company ids, e.g. company_ids = [8089]",
    "project_ids": "a list of project ids, e.g. project_ids = [562949953443325]",
    "resources": 'a list of catalog names, e.g. resources = ["rfis", "budget_views"]',
    "per_page": "a whole number, e.g. per_page = 1000",
    "page_workers": "a whole number, e.g. page_workers = 4",
    "reconcile_every_hours": "a number of hours, e.g. reconcile_every_hours = 24",
    "daily_log_lookback_days": "a whole number of days, e.g. daily_log_lookback_days = 14",
}


@contextmanager
def _configuration_errors(section: str = "procore") -> Iterator[None]:
    """Turn dlt's configuration errors into one line naming the file or key and the fix."""
    from dlt.common.configuration.exceptions import (
        ConfigFieldMissingException,
        ConfigValueCannotBeCoercedException,
    )
    from dlt.common.configuration.providers.toml import TomlProviderReadException

    try:
        yield
    except ConfigFieldMissingException as error:
        raise _missing_configuration(error.fields) from None
    except ConfigValueCannotBeCoercedException as error:
        # dlt names a setting read through `dlt.config.get` by its whole path.
        name = error.field_name.removeprefix(f"sources.{section}.")
        hint = getattr(error.hint, "__name__", error.hint)
        form = SETTING_FORMS.get(name, f"a value of type {hint}")
        secret = name in {"client_id", "client_secret", "bearer_token"}
        shown = "" if secret else f" (got {error.field_value!r})"
        raise PcwError(
            f"Setting sources.{section}.{name} in .dlt/config.toml or .dlt/secrets.toml (or "
            f"SOURCES__{section.upper()}__{name.upper()}) is malformed{shown}: it must be {form}."
        ) from None
    except TomlProviderReadException as error:
        detail = str(error).splitlines()[-1].strip()
        raise PcwError(
            f"Could not read .dlt/{error.file_name}: {detail}. Fix the TOML syntax there "
            "(every string in quotes, every list in brackets)."
        ) from None


def _missing_configuration(names: Sequence[str]) -> PcwError:
    missing = ", ".join(f"sources.procore.{name}" for name in names)
    return PcwError(
        f"Missing configuration {missing}: put secrets in .dlt/secrets.toml (see "
        ".dlt/example.secrets.toml, or run `pcw init`) and settings in .dlt/config.toml, or "
        "set SOURCES__PROCORE__<NAME> environment variables."
    )


def _load(args: argparse.Namespace) -> None:
    from load.pipeline import run_load

    if getattr(args, "source", "rest") == "analytics":
        _load_analytics(args)
        return
    if getattr(args, "list_tables", False) or getattr(args, "profile", None):
        raise PcwError("--list and --profile are options of `pcw load analytics`.")
    output: Output = args.output
    paths = _paths(args)
    with _configuration_errors(), output.load_progress() as progress:
        summary = run_load(paths.raw, paths.pipelines, progress=progress)
    loaded = ", ".join(f"{count} {table}" for table, count in sorted(summary.rows_loaded.items()))
    output.result(f"Loaded {loaded or 'nothing new'} into {summary.raw_path}")
    for table, count in sorted(summary.table_rows.items()):
        output.result(f"  {table}: {count} rows")
    stats = summary.stats
    output.result(
        f"  {stats.requests} requests, {stats.retries} retries, {stats.rate_limit_waits} "
        f"rate-limit waits ({stats.waited_seconds:.1f} s)"
    )
    for resource, (lists, rows) in sorted(progress.read.items()):
        output.detail(f"read {resource}: {lists:,} lists, {rows:,} rows")
    if stats.stopped_early:
        output.warning(stats.stopped_early)
    for company_id, project_id, resource, status, _ in stats.skipped:
        where = f"project {project_id}" if project_id else f"company {company_id}"
        output.warning(
            f"skipped {resource} of {where} (HTTP {status}): "
            "check the app's access to that tool; see procore.pcw_load_report"
        )


def _load_analytics(args: argparse.Namespace) -> None:
    """``pcw load analytics``: the Procore Analytics share (docs/procore-analytics-loader.md)."""
    from load.analytics_pipeline import list_share, run_analytics_load

    output: Output = args.output
    if args.list_tables:
        with _configuration_errors("procore_analytics"):
            listed = list_share(profile=args.profile)
        for entry in listed:
            feed = "on" if entry.change_data_feed else "off"
            output.result(
                f"{entry.table.qualified}  version {entry.version}  change data feed {feed}  "
                f"-> raw table procore_analytics.{entry.raw_table}"
            )
        share = listed[0].table.share if listed else "the share"
        output.result(f"{len(listed)} tables in {share}")
        return
    paths = _paths(args)
    with (
        _configuration_errors("procore_analytics"),
        output.load_progress(unit="files") as progress,
    ):
        summary = run_analytics_load(
            paths.raw, paths.pipelines, profile=args.profile, progress=progress
        )
    loaded = ", ".join(f"{count} {table}" for table, count in sorted(summary.rows_loaded.items()))
    output.result(f"Loaded {loaded or 'nothing new'} into {summary.raw_path}")
    run = summary.run
    for table in run.tables:
        if table.how == "unchanged":
            output.detail(f"{table.table}: unchanged at version {table.version}")
        else:
            counted = "changes" if table.how == "merged" else "rows"
            output.result(
                f"  {table.table}: {table.how} to version {table.version} ({table.rows} "
                f"{counted}{', ' + table.reason if table.reason else ''})"
            )
    unchanged = sum(table.how == "unchanged" for table in run.tables)
    output.result(
        f"  {len(run.tables)} tables checked, {unchanged} unchanged; "
        f"{summary.stats.requests} requests, {summary.stats.url_renewals} file URL renewals"
    )
    for line in run.warnings:
        output.warning(f"{line}; see procore_analytics.pcw_load_report")


def _build(args: argparse.Namespace) -> None:
    from .build import build_warehouse
    from .report import warehouse_summary

    output: Output = args.output
    with output.build_progress() as progress:
        warehouse = build_warehouse(
            _paths(args), as_of_date=args.as_of_date, dbt_line=progress, source=args.source
        )
    for line in warehouse_summary(warehouse):
        output.result(line)
    output.result(f"Warehouse: {warehouse}")


def _export(args: argparse.Namespace) -> None:
    from .raw_parquet import export_raw_parquet

    paths = _paths(args)
    tables = export_raw_parquet(args.raw or [paths.raw], args.to or spark_raw_parquet_dir())
    for schema in sorted({table.schema for table in tables}):
        written = [table for table in tables if table.schema == schema]
        rows = sum(table.rows for table in written)
        args.output.result(f"{schema}: {len(written)} tables, {rows:,} rows")
    args.output.result(f"Parquet: {(args.to or spark_raw_parquet_dir()).resolve()}")
    args.output.result("  next: dbt build --target spark (docs/spark.md)")


def _demo(args: argparse.Namespace) -> None:
    from .demo import run_demo

    data_dir = args.data_dir or default_data_dir() / "demo"
    run_demo(
        DataPaths(data_dir.resolve()), scale=args.scale, seed=args.seed, echo=args.output.result
    )


def _query(args: argparse.Namespace) -> None:
    import duckdb

    warehouse = _paths(args).warehouse
    if not warehouse.exists():
        raise PcwError(f"No warehouse at {warehouse}: run `pcw build` (or `pcw demo`) first.")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        try:
            connection.sql(args.sql).show(max_width=200)
        except duckdb.Error as error:
            raise PcwError(f"Query failed: {str(error).splitlines()[0]}") from None


def _check(args: argparse.Namespace) -> None:
    with _configuration_errors():
        failures = _check_companies(args.output)
    if failures:
        for failure in failures[:-1]:
            print(f"pcw: error: {failure}", file=sys.stderr)
        raise PcwError(failures[-1])


def _check_companies(output: Output) -> list[str]:
    """Check every configured company, print what was found; the failures, one line each."""
    import dlt

    from load.procore import check_narrowing, resolve_hosts
    from load.procore.client import ProcoreClient
    from load.procore.settings import DEFAULT_PER_PAGE

    from .check import Narrowing, check_company, report_lines

    def setting(name: str, default: Any = None, kind: type[Any] | None = None) -> Any:
        key = f"sources.procore.{name}"
        value: Any = dlt.config.get(key, kind) if kind is not None else dlt.config.get(key)
        return default if value is None else value

    client_id = dlt.secrets.get("sources.procore.client_id", str)
    client_secret = dlt.secrets.get("sources.procore.client_secret", str)
    company_ids = setting("company_ids", [], list)
    required = {"client_id": client_id, "client_secret": client_secret, "company_ids": company_ids}
    missing = [name for name, value in required.items() if not value]
    if missing:
        raise _missing_configuration(missing)
    environment = setting("environment", "production")
    login, base = resolve_hosts(environment, setting("base_url"), setting("login_url"))
    root = ProcoreClient(base, login, client_id, client_secret)
    per_page = setting("per_page", DEFAULT_PER_PAGE, int)
    project_status = setting("project_status", "all", str)
    resources = setting("resources", [], list)
    check_narrowing(project_status, resources)
    narrowing = Narrowing(
        project_status=project_status,
        project_ids=frozenset(int(project) for project in setting("project_ids", [], list)),
        resources=frozenset(resources),
    )
    failures = []
    for company_id in company_ids:
        client = root.for_company(int(company_id))
        found = check_company(client, int(company_id), per_page, narrowing)
        for line in report_lines(found, environment):
            output.result(line)
        failures += [f"company {company_id}: {failure}" for failure in found.failures]
    return failures


def _init(args: argparse.Namespace) -> None:
    from .init import PLACEHOLDERS, init_secrets

    secrets = init_secrets(Path.cwd())
    if any(placeholder in secrets.read_text() for placeholder in PLACEHOLDERS.values()):
        args.output.result(
            f"Wrote {secrets}: replace the placeholders with your DMSA client id and secret."
        )
    else:
        args.output.result(f"Wrote {secrets} (readable by you only). Next: `pcw load`.")


def _status(args: argparse.Namespace) -> None:
    from .status import status_lines

    for line in status_lines(_paths(args), runs=args.runs):
        args.output.result(line)


def _run(args: argparse.Namespace) -> None:
    _load(args)
    _build(args)


def _enter_project(args: argparse.Namespace) -> None:
    """Work from the project directory, so dlt finds its `.dlt/` wherever pcw was started.

    Paths given on the command line are resolved first, against the directory pcw was
    started in.
    """
    if getattr(args, "data_dir", None) is not None:
        args.data_dir = args.data_dir.resolve()
    if getattr(args, "profile", None) is not None:
        args.profile = args.profile.expanduser().resolve()
    chosen = args.project_dir or os.environ.get(PROJECT_DIR_VARIABLE)
    if chosen:
        directory = Path(chosen).expanduser().resolve()
        if not directory.is_dir():
            raise PcwError(
                f"Project directory {directory} does not exist: pass --project-dir (or set "
                f"{PROJECT_DIR_VARIABLE}) to the procore-warehouse checkout."
            )
    elif (Path.cwd() / ".dlt").is_dir():
        directory = Path.cwd()
    else:
        directory = PROJECT_ROOT
    os.environ[PROJECT_DIR_VARIABLE] = str(directory)
    os.chdir(directory)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code.

    Exit codes: 0 when the command did all it could (a load that skipped lists the account
    may not read still succeeds, and says so), 1 on an error (one line on stderr naming the
    cause and the fix), 2 on a malformed command line, 130 when interrupted.
    """
    args = build_parser().parse_args(argv)
    args.output = Output(
        Verbosity.QUIET if args.quiet else Verbosity.VERBOSE if args.verbose else Verbosity.NORMAL
    )
    # dlt phones home by default; this tool must work offline and quietly.
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    handlers = {
        "demo": _demo,
        "sandbox": _serve,
        "load": _load,
        "build": _build,
        "export": _export,
        "run": _run,
        "init": _init,
        "check": _check,
        "status": _status,
        "query": _query,
    }
    try:
        _enter_project(args)
        handlers[args.command](args)
    except KeyboardInterrupt:
        print("pcw: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if args.debug:
            traceback.print_exc()
        print(f"pcw: error: {_describe(error)}", file=sys.stderr)
        return 1
    return 0


def _describe(error: BaseException) -> str:
    from load.procore import ProcoreSourceError
    from load.procore_analytics import ProcoreAnalyticsError

    if isinstance(error, (PcwError, ProcoreSourceError, ProcoreAnalyticsError)):
        return str(error)
    first_line = (str(error).splitlines() or [""])[0]
    return f"unexpected {type(error).__name__}: {first_line} (run `pcw --debug ...` for details)"


if __name__ == "__main__":
    sys.exit(main())
