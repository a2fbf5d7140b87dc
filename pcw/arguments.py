"""The ``pcw`` command line's arguments: every command, its options and their help."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _add_data_dir(parser: argparse.ArgumentParser, default: Path | None = None) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=default,
        help="directory of raw.duckdb and warehouse.duckdb (default: $PCW_DATA_DIR or data/)",
    )


def _add_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        choices=("rest", "analytics", "both"),
        help="the loaded source to build from (default: whichever the raw file holds)",
    )


def _add_verbosity(parser: argparse.ArgumentParser, default: Any) -> None:
    """``--quiet`` / ``--verbose``, accepted before the command and after it."""
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default,
        help="print only warnings and errors (for cron: no output means nothing to see)",
    )
    loudness.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="print more: progress every second, lists read per resource, dbt's own log",
    )


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``pcw`` and its commands."""
    # Given after the command, the options must not be reset by the command's parser when
    # they were given before it: the command's defaults are "not given".
    common = argparse.ArgumentParser(add_help=False)
    _add_verbosity(common, default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="pcw", description="Load Procore into DuckDB and build marts with dbt."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    _add_verbosity(parser, default=False)
    parser.add_argument(
        "--project-dir",
        type=Path,
        help="the project whose .dlt/ settings and dbt project to use (default: "
        "$PCW_PROJECT_DIR, else the current directory if it has .dlt/, else where pcw is "
        "installed)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, **options: Any) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], **options)

    demo = command("demo", help="run the whole pipeline on a local sandbox, from both sources")
    demo.add_argument("--scale", default="small", help="tiny, small, medium or large")
    demo.add_argument("--seed", type=int, default=42, help="seed of the generated company")
    _add_data_dir(demo)

    sandbox = command("sandbox", help="the local Procore sandbox")
    sandbox_commands = sandbox.add_subparsers(dest="sandbox_command", required=True)
    serve = sandbox_commands.add_parser("serve", help="serve a generated company until stopped")
    serve.add_argument("--scale", default="small", help="tiny, small, medium or large")
    serve.add_argument("--seed", type=int, default=42, help="seed of the generated company")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks one")
    serve.add_argument(
        "--clock",
        help="the company's 'now' as an ISO timestamp (default: the current time)",
    )
    serve.add_argument(
        "--strict-company-header",
        action="store_true",
        help="answer 400 to requests without Procore-Company-Id, as Procore will",
    )
    serve.add_argument(
        "--hourly-limit",
        type=int,
        default=3600,
        help="requests per hour and client before 429 (0: unlimited; default 3600, as Procore's "
        "older docs said)",
    )
    serve.add_argument(
        "--spike-limit",
        type=int,
        default=25,
        help="requests per 10 seconds before 429 (0: unlimited; default 25, as Procore's docs)",
    )

    serve.add_argument(
        "--share-port", type=int, default=0, help="port of the Delta Sharing server; 0 picks one"
    )
    serve.add_argument(
        "--share-dir",
        type=Path,
        help="where the share's Delta tables and profile go (default: data/sandbox-share)",
    )
    serve.add_argument(
        "--share-token-days",
        type=float,
        default=30,
        help="days until the share's bearer token expires (default 30)",
    )

    load = command("load", help="load Procore into the raw DuckDB file")
    load.add_argument(
        "source",
        nargs="?",
        choices=("rest", "analytics"),
        default="rest",
        help="rest: the Procore REST API (default); analytics: the Procore Analytics share",
    )
    load.add_argument(
        "--list",
        dest="list_tables",
        action="store_true",
        help="with analytics: print every table the token can read, and load nothing",
    )
    load.add_argument(
        "--profile",
        type=Path,
        help="with analytics: the Delta Sharing profile file (overrides the configured one)",
    )
    _add_data_dir(load)

    build = command("build", help="dbt build the warehouse from the raw file")
    build.add_argument("--as-of-date", help="measure RFI ages to this day (YYYY-MM-DD)")
    _add_source(build)
    _add_data_dir(build)

    run = command(
        "run", help="load, then build: stops at the first failure (for cron and schedulers)"
    )
    run.add_argument("--as-of-date", help="measure ages to this day (YYYY-MM-DD)")
    _add_source(run)
    _add_data_dir(run)

    export = command(
        "export", help="write the raw tables as Parquet, for the dbt target spark (docs/spark.md)"
    )
    export.add_argument(
        "--raw",
        type=Path,
        action="append",
        help="a raw DuckDB file to export; repeat for several, e.g. a REST load's and a share "
        "load's (default: the data dir's raw.duckdb)",
    )
    export.add_argument(
        "--to",
        type=Path,
        help="the folder to write (default: where the dbt target spark reads it: "
        "$PCW_RAW_PARQUET_DIR, else data/raw_parquet in the project)",
    )
    _add_data_dir(export)

    command("init", help="write .dlt/secrets.toml from the example (asks on a terminal only)")
    command(
        "check",
        help="check the credentials and tool access, and estimate the next load's requests",
    )

    status = command(
        "status", help="the last loads, how fresh the raw data is, how old the warehouse is"
    )
    status.add_argument("--runs", type=int, default=5, help="how many loads to list")
    _add_data_dir(status)

    query = command("query", help="run one SQL query on the warehouse, read-only")
    query.add_argument("sql", help='for example "select * from marts.fct_rfi_aging limit 5"')
    _add_data_dir(query)
    return parser
