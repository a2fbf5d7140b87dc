"""How much `pcw` says: `--quiet` for cron, bars on a terminal, `--verbose` for a closer look."""

import io
import os
import subprocess
import threading
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from pcw.arguments import build_parser
from pcw.output import Output, Verbosity, _bars, _BuildBar, _LoadBars
from sandbox import ProcoreSandbox, SandboxSettings, generate_company
from tests.test_cli import PCW, _env, _load_from_a_sandbox


@pytest.mark.parametrize(
    "argv",
    [["--quiet", "load"], ["load", "--quiet"], ["-q", "load"]],
    ids=["before the command", "after the command", "short"],
)
def test_quiet_is_accepted_before_and_after_the_command(argv):
    arguments = build_parser().parse_args(argv)
    assert arguments.quiet and not arguments.verbose


def test_quiet_and_verbose_together_are_a_malformed_command_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["load", "--quiet", "--verbose"])
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_quiet_load_prints_nothing_and_loads_everything(tmp_path):
    company, result = _load_from_a_sandbox(tmp_path, options=("--quiet",))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    with duckdb.connect(str(tmp_path / "raw.duckdb"), read_only=True) as connection:
        rfis = connection.execute("select count(*) from procore.rfis").fetchone()[0]
    assert rfis == len(company.all_rfis())


def test_a_quiet_load_still_warns_about_lists_it_skipped(tmp_path):
    company = generate_company(seed=1, scale="tiny")
    settings = SandboxSettings(
        strict_company_header=True, rate_limit_spike=None, denied_company_tools={"vendors"}
    )
    with ProcoreSandbox(company, settings) as sandbox:
        env = {
            "SOURCES__PROCORE__ENVIRONMENT": "custom",
            "SOURCES__PROCORE__BASE_URL": sandbox.base_url,
            "SOURCES__PROCORE__COMPANY_IDS": f"[{company.company_id}]",
            "SOURCES__PROCORE__CLIENT_ID": settings.client_id,
            "SOURCES__PROCORE__CLIENT_SECRET": settings.client_secret,
        }
        result = subprocess.run(
            [*PCW, "load", "--quiet", "--data-dir", str(tmp_path)],
            cwd=tmp_path,
            env=_env(**env),
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("pcw: warning: skipped vendors of company")


def test_a_verbose_load_says_what_it_read_of_every_resource(tmp_path):
    company, result = _load_from_a_sandbox(tmp_path, options=("--verbose",))
    assert result.returncode == 0, result.stderr
    projects = len(company.projects)
    rfis = len(company.all_rfis())
    assert f"pcw: read rfis: {projects:,} lists, {rfis:,} rows\n" in result.stderr
    assert "pcw: reading " in result.stderr
    # Not a terminal: plain lines, no cursor movements in the log.
    assert "\x1b[" not in result.stderr
    assert f"rfis: {rfis} rows" in result.stdout


def test_a_load_on_a_terminal_draws_progress_bars_and_still_prints_its_summary(tmp_path):
    company = generate_company(seed=1, scale="tiny")
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with ProcoreSandbox(company, settings) as sandbox:
        env = {
            "SOURCES__PROCORE__ENVIRONMENT": "custom",
            "SOURCES__PROCORE__BASE_URL": sandbox.base_url,
            "SOURCES__PROCORE__COMPANY_IDS": f"[{company.company_id}]",
            "SOURCES__PROCORE__CLIENT_ID": settings.client_id,
            "SOURCES__PROCORE__CLIENT_SECRET": settings.client_secret,
            "COLUMNS": "120",
        }
        terminal, result = _run_with_stderr_on_a_terminal(
            [*PCW, "load", "--data-dir", str(tmp_path)], cwd=tmp_path, env=_env(**env)
        )
    assert result.returncode == 0, terminal
    assert "all lists" in terminal and "━" in terminal
    assert "pcw: reading" not in terminal
    assert f"rfis: {len(company.all_rfis())} rows" in result.stdout


def _run_with_stderr_on_a_terminal(
    command: list[str], cwd: Path, env: dict[str, str]
) -> tuple[str, subprocess.CompletedProcess]:
    """Run ``command`` with stderr on a pseudo-terminal; what the terminal showed, and the run."""
    leader, follower = os.openpty()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=follower, text=True
    )
    os.close(follower)
    shown: list[bytes] = []

    def read_terminal() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end closed: the process has exited
                return
            if not chunk:
                return
            shown.append(chunk)

    reader = threading.Thread(target=read_terminal)
    reader.start()
    stdout, _ = process.communicate(timeout=600)
    reader.join(timeout=10)
    os.close(leader)
    result = subprocess.CompletedProcess(command, process.returncode, stdout, "")
    return b"".join(shown).decode(errors="replace"), result


def _terminal_bars() -> tuple[io.StringIO, object]:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    return screen, _bars(console)


def test_the_build_bar_counts_the_nodes_dbt_finished_out_of_those_it_runs():
    _, bars = _terminal_bars()
    bar = _BuildBar(bars)
    bar("05:00:00  1 of 250 START sql table model staging.stg_procore__rfis ... [RUN]\n")
    bar("05:00:01  1 of 250 OK created sql table model staging.stg_procore__rfis [OK in 0.1s]\n")
    bar("05:00:02  2 of 250 FAIL 1 unique_stg_procore__rfis_rfi_id ...... [FAIL 1 in 0.1s]\n")
    task = bars.tasks[0]
    assert (task.completed, task.total) == (2, 250)
    assert task.fields["detail"] == "1 failed"


def test_a_resource_bar_shows_only_while_it_has_lists_left_and_the_total_adds_them_all():
    _, bars = _terminal_bars()
    progress = _LoadBars(bars, "lists")
    progress("rfis", 0, 2, 0)
    progress("rfi_replies", 0, 20, 0)
    progress("rfis", 2, 2, 20)
    by_name = {task.description: task for task in bars.tasks}
    assert not by_name["rfis"].visible and by_name["rfi_replies"].visible
    assert (by_name["all lists"].completed, by_name["all lists"].total) == (2, 22)
    assert progress.read == {"rfis": (2, 20), "rfi_replies": (0, 0)}


def test_quiet_output_keeps_warnings_and_drops_results():
    stdout, stderr = io.StringIO(), io.StringIO()
    output = Output(Verbosity.QUIET, stdout=stdout, stderr=stderr)
    output.result("Loaded 20 rfis")
    output.detail("read rfis: 2 lists, 20 rows")
    output.warning("skipped vendors of company 8089 (HTTP 403)")
    assert stdout.getvalue() == ""
    assert stderr.getvalue() == "pcw: warning: skipped vendors of company 8089 (HTTP 403)\n"
