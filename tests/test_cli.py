"""The `pcw` command line as a user meets it: real processes, real exit codes."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import requests

from pcw.paths import PROJECT_ROOT
from sandbox import SandboxSettings

PCW = [sys.executable, "-m", "pcw.cli"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__PROCORE__")}
    return {**env, **extra}


def _run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PCW, *args], cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_the_demo_loads_both_sources_and_shows_that_their_marts_agree(tmp_path):
    result = _run("demo", "--scale", "tiny", "--data-dir", str(tmp_path), cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RFI aging as of" in result.stdout
    assert "Share load straight after: 0 rows" in result.stdout
    assert "Both sources agree: all " in result.stdout
    assert (tmp_path / "analytics" / "warehouse.duckdb").exists()
    assert str(tmp_path / "warehouse.duckdb") in result.stdout
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        assert connection.execute("select count(*) from marts.fct_rfi_aging").fetchone()[0] > 0


def test_load_without_credentials_says_what_to_configure_in_one_line(tmp_path):
    result = _run("load", "--data-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "sources.procore.client_id" in result.stderr and ".dlt/secrets.toml" in result.stderr
    assert "Traceback" not in result.stderr


def _config_dir(tmp_path: Path, config: str) -> Path:
    """A working directory whose .dlt/config.toml is ``config`` plus dummy secrets."""
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "config.toml").write_text(config)
    (tmp_path / ".dlt" / "secrets.toml").write_text(
        '[sources.procore]\nclient_id = "id"\nclient_secret = "not-a-real-secret"\n'
    )
    return tmp_path


def test_a_setting_of_the_wrong_type_names_the_key_and_the_expected_form(tmp_path):
    cwd = _config_dir(tmp_path, '[sources.procore]\ncompany_ids = "abc"\n')
    result = _run("load", "--data-dir", str(tmp_path / "data"), cwd=cwd)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "sources.procore.company_ids" in result.stderr
    assert "company_ids = [8089]" in result.stderr and "'abc'" in result.stderr
    assert "not-a-real-secret" not in result.stderr
    assert not (tmp_path / "data" / "raw.duckdb").exists(), "a failed first load left a file"


def test_check_names_a_setting_of_the_wrong_type_once_with_its_expected_form(tmp_path):
    cwd = _config_dir(tmp_path, '[sources.procore]\ncompany_ids = "abc"\n')
    result = _run("check", cwd=cwd)
    assert result.returncode == 1
    assert result.stderr.startswith("pcw: error: Setting sources.procore.company_ids in ")
    assert "company_ids = [8089]" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_malformed_config_file_names_the_file_and_where_it_breaks(tmp_path):
    cwd = _config_dir(tmp_path, "[sources.procore]\ncompany_ids = [8089\n")
    result = _run("load", "--data-dir", str(tmp_path / "data"), cwd=cwd)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "Could not read .dlt/config.toml" in result.stderr and "line" in result.stderr


def _load_from_a_sandbox(
    data_dir: Path,
    command: str = "load",
    cwd: Path | None = None,
    options: tuple[str, ...] = (),
    **overrides: str,
):
    """Run `pcw load` configured only through environment variables, as a scheduler would."""
    from sandbox import ProcoreSandbox, generate_company

    company = generate_company(seed=1, scale="tiny")
    # Strict about the company header like the loader tests; no spike window (see conftest).
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with ProcoreSandbox(company, settings) as sandbox:
        env = {
            "SOURCES__PROCORE__ENVIRONMENT": "custom",
            "SOURCES__PROCORE__BASE_URL": sandbox.base_url,
            "SOURCES__PROCORE__COMPANY_IDS": f"[{company.company_id}]",
            "SOURCES__PROCORE__CLIENT_ID": sandbox.settings.client_id,
            "SOURCES__PROCORE__CLIENT_SECRET": sandbox.settings.client_secret,
        }
        env.update(
            {f"SOURCES__PROCORE__{name.upper()}": value for name, value in overrides.items()}
        )
        result = _run(command, "--data-dir", str(data_dir), *options, cwd=cwd or data_dir, **env)
    return company, result


def test_a_wrong_secret_ends_in_one_line_without_the_secret(tmp_path):
    _, result = _load_from_a_sandbox(tmp_path, client_secret="very-secret-value")
    assert result.returncode == 1
    assert result.stderr.startswith("pcw: error: Procore rejected the client credentials")
    assert result.stderr.count("\n") == 1
    assert "very-secret-value" not in result.stdout + result.stderr
    assert not (tmp_path / "raw.duckdb").exists()


@pytest.mark.parametrize(
    ("overrides", "cause"),
    [
        ({"base_url": "http://127.0.0.1:9"}, "Cannot reach http://127.0.0.1:9"),
        ({"company_ids": "[1]"}, "Procore denied /rest/v1.0/companies for company 1 (403"),
    ],
    ids=["unreachable host", "company the credentials cannot see"],
)
def test_a_load_that_cannot_start_ends_in_one_line_and_writes_nothing(tmp_path, overrides, cause):
    _, result = _load_from_a_sandbox(tmp_path, **overrides)
    assert result.returncode == 1
    assert result.stderr.startswith("pcw: error: ")
    assert cause in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_a_load_while_another_process_writes_the_raw_file_says_so_in_one_line(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            str(tmp_path / "raw.duckdb"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "ready\n"
        _, result = _load_from_a_sandbox(tmp_path)
    finally:
        holder.communicate("")
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"pcw: error: Cannot open the raw file {tmp_path / 'raw.duckdb'}"
    )
    assert "another load may be running" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_load_reads_its_configuration_from_the_environment(tmp_path):
    company, result = _load_from_a_sandbox(tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"rfis: {len(company.all_rfis())} rows" in result.stdout


def test_build_without_raw_data_says_to_load_first(tmp_path):
    result = _run("build", "--data-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "run `pcw load`" in result.stderr and "Traceback" not in result.stderr


def test_sandbox_serve_prints_its_urls_and_credentials_and_serves_both_doors(tmp_path):
    import delta_sharing

    process = subprocess.Popen(
        [*PCW, "sandbox", "serve", "--scale", "tiny", "--port", "0", "--share-dir", str(tmp_path)],
        cwd=tmp_path,
        env=_env(NO_PROXY="127.0.0.1,localhost"),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        while not lines or not lines[-1].startswith("Stop with Ctrl-C"):
            line = process.stdout.readline()
            assert line, "the sandbox exited early"
            lines.append(line)
        base_url = next(line.split()[-1] for line in lines if "API base URL" in line)
        assert any("client_id:     sandbox-client-id" in line for line in lines)
        token = requests.post(
            f"{base_url}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "sandbox-client-id",
                "client_secret": "sandbox-client-secret",
            },
            timeout=10,
        )
        assert token.status_code == 200
        profile = next(line.split()[2] for line in lines if "profile file:" in line)
        tables = delta_sharing.SharingClient(profile).list_all_tables()
        assert {(t.schema, t.name) for t in tables} >= {
            ("project_management", "rfis"),
            ("financials", "budget_line_items"),
        }
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
def test_run_started_from_the_root_directory_loads_and_builds_with_the_projects_settings(
    tmp_path,
):
    company, result = _load_from_a_sandbox(tmp_path, command="run", cwd=Path("/"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert SandboxSettings().client_secret not in output and "Bearer" not in output
    assert "Budget vs commitments, per project" in result.stdout
    assert f"Warehouse: {tmp_path / 'warehouse.duckdb'}" in result.stdout
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        projects = connection.execute("select count(*) from marts.dim_projects").fetchone()[0]
    assert projects == len(company.projects)


def test_a_project_directory_that_does_not_exist_is_one_line(tmp_path):
    result = _run("--project-dir", str(tmp_path / "nowhere"), "load", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert f"Project directory {tmp_path / 'nowhere'} does not exist" in result.stderr


def test_status_lists_the_last_loads_their_freshness_and_the_warehouse(tmp_path):
    from datetime import UTC, datetime, timedelta

    from pcw.paths import DataPaths
    from pcw.status import status_lines

    _, loaded = _load_from_a_sandbox(tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    result = _run("status", "--data-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Last 1 loads into {tmp_path / 'raw.duckdb'} (newest first):"
    assert "requests" in lines[1] and "0 lists skipped" in lines[1]
    assert "fresh." in lines[2]
    assert lines[3] == f"Warehouse: none at {tmp_path / 'warehouse.duckdb'}; run `pcw build`."

    later = datetime.now(UTC) + timedelta(hours=80)
    assert "STALE" in status_lines(DataPaths(tmp_path), now=later)[2]


def test_status_without_a_load_says_what_to_run(tmp_path):
    result = _run("status", "--data-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    raw = tmp_path / "raw.duckdb"
    assert (
        result.stderr == f"pcw: error: No raw data at {raw}: run `pcw load` (or `pcw run`) first.\n"
    )


def _project_with_example(tmp_path: Path) -> Path:
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "example.secrets.toml").write_bytes(
        (PROJECT_ROOT / ".dlt" / "example.secrets.toml").read_bytes()
    )
    return tmp_path


def test_init_without_a_terminal_writes_the_example_for_the_user_to_edit_and_never_overwrites(
    tmp_path,
):
    project = _project_with_example(tmp_path)
    result = _run("init", cwd=project)
    assert result.returncode == 0, result.stderr
    secrets = project / ".dlt" / "secrets.toml"
    assert "replace the placeholders" in result.stdout
    assert secrets.read_text() == (project / ".dlt" / "example.secrets.toml").read_text()
    assert secrets.stat().st_mode & 0o777 == 0o600
    again = _run("init", cwd=project)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_init_on_a_terminal_asks_and_writes_the_answers(tmp_path, capsys):
    import tomllib

    from pcw.init import init_secrets

    project = _project_with_example(tmp_path)
    secrets = init_secrets(
        project, interactive=True, ask=lambda _: "my-client", ask_secret=lambda _: "s3cr3t"
    )
    written = tomllib.loads(secrets.read_text())["sources"]["procore"]
    assert written == {"client_id": "my-client", "client_secret": "s3cr3t"}
    assert "s3cr3t" not in capsys.readouterr().out


def _check_against_a_sandbox(tmp_path: Path, settings: dict, **overrides: str):
    """Run `pcw check` against a tiny sandbox, configured through the environment."""
    from sandbox import ProcoreSandbox, generate_company

    company = generate_company(seed=1, scale="tiny")
    with ProcoreSandbox(company, SandboxSettings(strict_company_header=True, **settings)) as box:
        env = {
            "SOURCES__PROCORE__ENVIRONMENT": "custom",
            "SOURCES__PROCORE__BASE_URL": box.base_url,
            "SOURCES__PROCORE__COMPANY_IDS": f"[{company.company_id}]",
            "SOURCES__PROCORE__CLIENT_ID": box.settings.client_id,
            "SOURCES__PROCORE__CLIENT_SECRET": box.settings.client_secret,
            **{f"SOURCES__PROCORE__{name.upper()}": value for name, value in overrides.items()},
        }
        result = _run("check", cwd=tmp_path, **env)
    return company, result


def test_check_lists_the_denied_tools_the_rate_limit_and_the_cost_of_the_next_load(tmp_path):
    from sandbox import generate_company

    blocked = generate_company(seed=1, scale="tiny").projects[0]["id"]
    company, result = _check_against_a_sandbox(
        tmp_path,
        {"denied_company_tools": {"submittal_statuses"}, "disabled_tools": {blocked: {"rfis"}}},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Company {company.company_id}: token obtained (custom); " in out
    assert f"{len(company.projects)} projects visible" in out
    assert "    submittal_statuses: company (HTTP 403)" in out
    assert f"    rfis: project {blocked} (HTTP 403)" in out
    assert "rate limit: limit " in out and ", remaining " in out and ", reset " in out
    assert "next first load: about " in out and "typical incremental run: about " in out
    assert SandboxSettings().client_secret not in out + result.stderr


@pytest.mark.parametrize(
    ("overrides", "cause"),
    [
        ({"client_secret": "wrong"}, "Procore rejected the client credentials"),
        ({"company_ids": "[1]"}, "company 1: "),
    ],
    ids=["wrong secret", "company the credentials cannot see"],
)
def test_check_fails_in_one_line_per_problem(tmp_path, overrides, cause):
    _, result = _check_against_a_sandbox(tmp_path, {}, **overrides)
    assert result.returncode == 1
    assert result.stderr.startswith("pcw: error: ") and cause in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "wrong" not in result.stderr.replace("Procore rejected", "")


def test_status_of_a_raw_file_no_load_has_finished_in_says_so(tmp_path):
    duckdb.connect(str(tmp_path / "raw.duckdb")).close()
    result = _run("status", "--data-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        f"Last 0 loads into {tmp_path / 'raw.duckdb'} (newest first):",
        "Raw data: no finished load yet.",
    ]


def test_a_build_while_a_load_writes_the_raw_file_says_so_in_one_line(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            str(tmp_path / "raw.duckdb"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "ready\n"
        result = _run("build", "--data-dir", str(tmp_path), cwd=tmp_path)
    finally:
        holder.communicate("")
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"pcw: error: Cannot read the raw file {tmp_path / 'raw.duckdb'}"
    )
    assert "`pcw run`" in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == "", "dbt should not have started"
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_check_estimates_only_the_lists_a_narrowed_load_reads(sandbox, company):
    from load.procore.client import ProcoreClient
    from pcw.check import Narrowing, check_company

    client = ProcoreClient(
        sandbox.base_url,
        sandbox.base_url,
        sandbox.settings.client_id,
        sandbox.settings.client_secret,
    ).for_company(company.company_id)
    everything = check_company(client, company.company_id, per_page=100)
    replies = Narrowing(resources=frozenset({"rfi_replies"}))
    narrowed = check_company(client, company.company_id, per_page=100, narrowing=replies)
    assert narrowed.failures == [] and everything.failures == []
    projects = len(company.projects)
    # Token, companies and projects; one page of RFIs per project (its parent is read, not
    # loaded); one list of replies per RFI.
    assert narrowed.first_load_requests == 3 + projects + len(company.all_rfis())
    assert narrowed.first_load_requests < everything.first_load_requests
    assert Narrowing(resources=frozenset({"rfi_replies"})).reads(_endpoint("rfis"))
    assert not replies.reads(_endpoint("budget_views"))


def _endpoint(name: str):
    from load.procore.catalog import CATALOG

    return next(endpoint for endpoint in CATALOG if endpoint.name == name)
