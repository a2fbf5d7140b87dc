"""The documentation stays true to the code: every command it shows runs, every error it quotes
is one pcw prints, every setting and query it shows works.

Runnable commands are the `pcw` lines of ```sh blocks in README.md and docs/*.md. They run,
as written, against a local sandbox (placeholders such as `/path/to/procore-warehouse` filled
in), in one shared data directory and in the order a user would follow: init, check, load,
run, status, query. A `pcw` line in any other block (a crontab line, a systemd unit,
orchestrator code) must name a command the test runs. A documented command the test does not
run is listed in NOT_RUN with the reason; anything else fails the test.

One module although long: the documented commands run once, in order, against one sandbox
and one data directory (module fixtures), and the troubleshooting checks reuse that workspace.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path

import duckdb
import pytest

from load.procore import procore_source
from load.procore.catalog import CATALOG
from load.procore.settings import ENVIRONMENTS
from pcw.arguments import build_parser
from pcw.paths import PROJECT_ROOT
from sandbox import ProcoreSandbox, SandboxSettings, generate_company
from tests.conftest import CLOCK, SEED

DOCS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
TROUBLESHOOTING = PROJECT_ROOT / "docs" / "troubleshooting.md"
READING = PROJECT_ROOT / "docs" / "reading-the-warehouse.md"
PCW = [sys.executable, "-m", "pcw.cli"]

RUN = "sh"  # the info string of blocks whose `pcw` lines the test runs
OUTPUT = "text"  # the info string of blocks that show output: not scanned for commands

# Documented commands the test does not run, by subcommand, and why.
NOT_RUN = {
    "demo": "starts its own sandbox, load and build; tests/test_cli.py runs it (marked slow)",
    "sandbox": "serves until stopped; tests/test_cli.py starts it and reads what it prints",
    "build": "`pcw run` is `pcw load` then this same build, and the test runs it: a second "
    "dbt build would double the test's time. `pcw build` without raw data runs below",
    "export": "its examples name raw files of the checkout (the demo's two) and it feeds only "
    "the Spark build, which needs Java and minutes; "
    "tests/spark/test_spark_builds_the_same_marts.py exports the demo company and builds it",
}
# Blocks whose `pcw` lines a scheduler runs, not a shell: each must name a command the test
# runs, and parse as pcw's command line.
SCHEDULER_BLOCKS = {
    "cron": "a crontab line: cron runs it",
    "ini": "a systemd unit: systemd runs its ExecStart",
    "python": "orchestrator code (Airflow, Dagster, Prefect) that starts the command",
}
# The order a user runs commands in: each needs what the ones before it left.
ORDER = ["init", "check", "load", "run", "status", "query"]
# What each command must print (stdout) to have done its job.
PRINTS = {
    "init": "Wrote ",
    "check": "token obtained (custom)",
    "load": " requests, ",
    "run": "Warehouse: ",
    "status": "Raw data: last finished load",
    "query": "│",
}
PLACEHOLDER = re.compile(r"<[^<>\s][^<>]*>")


@dataclass(frozen=True)
class Command:
    """One `pcw` command line as a page shows it."""

    page: Path
    line: int
    language: str
    env: tuple[tuple[str, str], ...]
    argv: tuple[str, ...]

    def __str__(self) -> str:
        shown = " ".join([*(f"{k}={v}" for k, v in self.env), "pcw", *self.argv])
        return f"{self.page.relative_to(PROJECT_ROOT)}:{self.line}: {shown}"


def fenced_blocks(page: Path) -> Iterator[tuple[str, int, list[str]]]:
    """(info string, line number of the first line, lines) of every fenced block of a page."""
    lines = page.read_text().splitlines()
    index = 0
    while index < len(lines):
        opening = re.match(r"^(\s*)```(\S*)", lines[index])
        index += 1
        if not opening:
            continue
        indent, language = len(opening.group(1)), opening.group(2)
        start, body = index + 1, []
        while index < len(lines) and not lines[index].strip().startswith("```"):
            body.append(lines[index][indent:])
            index += 1
        index += 1
        yield language, start, body


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def _invocation(text: str) -> tuple[dict[str, str], list[str]] | None:
    """The environment assignments and arguments of a `pcw` command in ``text``, if any."""
    words = _words(text)
    for position, word in enumerate(words):
        if word.rsplit("/", 1)[-1] != "pcw":
            continue
        before = words[:position]
        assignments = all(re.match(r"^[A-Z_][A-Z0-9_]*=", w) for w in before)
        env = dict(w.split("=", 1) for w in before) if assignments else {}
        argv = []
        for argument in words[position + 1 :]:
            if re.match(r"^(\d?[<>|&;])", argument):
                break
            argv.append(argument)
        return env, argv
    return None


def documented_commands() -> list[Command]:
    """Every `pcw` command in a fenced block (but output blocks) of the README and docs/."""
    found = []
    for page in DOCS:
        for language, start, body in fenced_blocks(page):
            if language == OUTPUT:
                continue
            for offset, line in enumerate(body):
                # In code, the command is a quoted string; on a shell line, the line itself.
                quoted = re.findall(r"\"([^\"]*)\"|'([^']*)'", line)
                candidates = [a or b for a, b in quoted if _invocation(a or b)] or [line]
                for candidate in candidates:
                    invocation = _invocation(candidate)
                    if invocation:
                        env, argv = invocation
                        found.append(
                            Command(page, start + offset, language, tuple(env.items()), tuple(argv))
                        )
    return found


def _parse(argv: list[str]):
    """pcw's own reading of a command line, or the error it prints."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            return build_parser().parse_args(argv)
        except SystemExit:
            return stderr.getvalue().strip().splitlines()[-1]


def test_the_readme_says_which_tool_every_list_needs():
    readme = (PROJECT_ROOT / "README.md").read_text()
    table = readme[readme.index("| Procore tool (level) | lists |") :]
    table = table[: table.index("\n\n")]
    named = set(re.findall(r"`([a-z_]+)`", table))
    assert named == {entry.name for entry in CATALOG}


# -- the sandbox, and one data directory for every documented command -----------------------


@dataclass
class Workspace:
    """The sandbox the documented commands load, and where their files go."""

    sandbox: ProcoreSandbox
    company_id: int
    denied_project: int
    data_dir: Path
    init_project: Path
    placeholders: dict[str, str]
    results: dict[Command, subprocess.CompletedProcess] = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "PCW_"))}
        settings = self.sandbox.settings
        return {
            **base,
            "SOURCES__PROCORE__ENVIRONMENT": "custom",
            "SOURCES__PROCORE__BASE_URL": self.sandbox.base_url,
            "SOURCES__PROCORE__COMPANY_IDS": f"[{self.company_id}]",
            "SOURCES__PROCORE__CLIENT_ID": settings.client_id,
            "SOURCES__PROCORE__CLIENT_SECRET": settings.client_secret,
            "PCW_DATA_DIR": str(self.data_dir),
            "PCW_RAW_PARQUET_DIR": str(self.data_dir / "raw_parquet"),
            **extra,
        }

    def fill(self, text: str) -> str:
        for placeholder, value in self.placeholders.items():
            text = text.replace(placeholder, value)
        return text


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Iterator[Workspace]:
    """A tiny company with RFIs denied in one project, so a load also shows a skip warning."""
    company = generate_company(seed=SEED, scale="tiny", clock=CLOCK)
    denied = company.projects[0]["id"]
    settings = SandboxSettings(
        strict_company_header=True, rate_limit_spike=None, disabled_tools={denied: {"rfis"}}
    )
    root = tmp_path_factory.mktemp("docs")
    init_project = root / "project"
    (init_project / ".dlt").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / ".dlt" / "example.secrets.toml", init_project / ".dlt")
    with ProcoreSandbox(company, settings) as sandbox:
        yield Workspace(
            sandbox=sandbox,
            company_id=company.company_id,
            denied_project=denied,
            data_dir=root / "data",
            init_project=init_project,
            placeholders={
                "/path/to/procore-warehouse": str(PROJECT_ROOT),
                "<company id>": str(company.company_id),
            },
        )


def _runnable(command: Command) -> bool:
    parsed = _parse(list(command.argv))
    return command.language == RUN and not isinstance(parsed, str) and parsed.command in PRINTS


@pytest.fixture(scope="module")
def documented_runs(workspace: Workspace) -> Workspace:
    """Run every runnable documented command once, in a user's order; keep what each did."""
    commands = [command for command in documented_commands() if _runnable(command)]
    commands.sort(key=lambda command: ORDER.index(_parse(list(command.argv)).command))
    done: dict[tuple, subprocess.CompletedProcess] = {}
    for command in commands:
        argv = [workspace.fill(argument) for argument in command.argv]
        env = {name: workspace.fill(value) for name, value in command.env}
        unfilled = PLACEHOLDER.findall(" ".join([*argv, *env.values()]))
        assert not unfilled, f"{command}: add {unfilled} to the test's placeholders"
        key = (tuple(argv), tuple(env.items()))
        if key not in done:
            cwd = PROJECT_ROOT
            if _parse(argv).command == "init":
                # Never write the checkout's own .dlt/secrets.toml.
                assert "--project-dir" not in argv, f"{command}: init must use the test's project"
                cwd = workspace.init_project
                env["PCW_PROJECT_DIR"] = str(workspace.init_project)
            done[key] = subprocess.run(
                [*PCW, *argv],
                cwd=cwd,
                env=workspace.env(**env),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=600,
            )
        workspace.results[command] = done[key]
    return workspace


# -- commands --------------------------------------------------------------------------------


def test_every_documented_command_is_run_or_excluded_with_a_reason():
    commands = documented_commands()
    assert len(commands) >= 10, "the docs show pcw commands in ```sh blocks"
    run = {_parse(list(c.argv)).command for c in commands if _runnable(c)}
    assert {"check", "load", "run", "status", "query"} <= run
    for command in commands:
        parsed = _parse([arg.replace("/path/to/procore-warehouse", "/tmp") for arg in command.argv])
        assert not isinstance(parsed, str), f"{command}: pcw does not accept it: {parsed}"
        if command.language == RUN:
            assert parsed.command in PRINTS or parsed.command in NOT_RUN, (
                f"{command}: neither run (say in PRINTS what it prints) nor excluded in NOT_RUN"
            )
        else:
            assert command.language in SCHEDULER_BLOCKS, (
                f"{command}: a pcw command in a ```{command.language} block; runnable ones go "
                f"in ```{RUN} blocks, output in ```{OUTPUT} blocks"
            )
            assert parsed.command in run, f"{command}: schedules a command the test never runs"


def test_every_documented_command_runs(documented_runs):
    secret = documented_runs.sandbox.settings.client_secret
    assert documented_runs.results
    for command, result in documented_runs.results.items():
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{command}: exit {result.returncode}\n{output[-3000:]}"
        assert "Traceback" not in output and secret not in output, f"{command}\n{output[-3000:]}"
        parsed = _parse(list(command.argv))
        if getattr(parsed, "quiet", False):
            assert result.stdout == "", f"{command}: --quiet printed\n{result.stdout[-2000:]}"
            assert all(line.startswith("pcw: warning: ") for line in result.stderr.splitlines())
        else:
            assert PRINTS[parsed.command] in result.stdout, f"{command}\n{output[-3000:]}"


def test_the_documented_load_names_the_list_it_skipped_on_stderr(documented_runs):
    results = documented_runs.results.items()
    loads = [result for c, result in results if _parse(list(c.argv)).command == "load"]
    warning = (
        f"pcw: warning: skipped rfis of project {documented_runs.denied_project} (HTTP 403): "
        "check the app's access to that tool; see procore.pcw_load_report"
    )
    assert loads and all(warning in result.stderr.splitlines() for result in loads)
    assert _quoted_by_troubleshooting(warning), "docs/troubleshooting.md quotes the skip warning"


# -- the warehouse the documented commands built -----------------------------------------------


def test_the_python_and_sql_of_the_bi_page_read_the_built_warehouse(documented_runs):
    warehouse = documented_runs.data_dir / "warehouse.duckdb"
    blocks = [(lang, body) for lang, _, body in fenced_blocks(READING) if lang in ("python", "sql")]
    assert {lang for lang, _ in blocks} == {"python", "sql"}
    for language, body in blocks:
        code = "\n".join(body)
        if language == "sql":
            with duckdb.connect(str(warehouse), read_only=True) as connection:
                assert connection.sql(code).fetchall(), code
            continue
        code = code.replace('"data/warehouse.duckdb"', repr(str(warehouse)))
        assert str(warehouse) in code, "the Python example opens data/warehouse.duckdb"
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(READING), "exec"), {})
        assert printed.getvalue().strip(), code


def test_every_setting_the_docs_show_is_one_the_loader_takes():
    settings = set(inspect.signature(procore_source).parameters)
    lists = {entry.name for entry in CATALOG}
    blocks = [body for page in DOCS for lang, _, body in fenced_blocks(page) if lang == "toml"]
    assert blocks
    for body in blocks:
        parsed = tomllib.loads("\n".join(body))
        procore = parsed.get("sources", {}).get("procore", parsed)
        assert set(procore) <= settings, "\n".join(body)
        assert set(procore.get("resources", [])) <= lists, "\n".join(body)
        if "environment" in procore:
            assert procore["environment"] in {*ENVIRONMENTS, "custom"}


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_between_the_pages_leads_to_a_page_and_a_heading_in_it():
    links = 0
    for page in DOCS:
        for target, anchor in re.findall(
            r"\]\(([^)#\s:]*\.md)?(?:#([^)\s]+))?\)", page.read_text()
        ):
            if not target and not anchor:
                continue
            linked = (page.parent / target).resolve() if target else page
            assert linked.is_file(), f"{page.name} links to {target}, which does not exist"
            if anchor:
                headings = re.findall(r"^#+ (.+)$", linked.read_text(), flags=re.MULTILINE)
                assert anchor in {_anchor(h) for h in headings}, f"{page.name}: {target}#{anchor}"
            links += 1
    assert links >= 20


# -- troubleshooting ---------------------------------------------------------------------------

# A message template from the code is characters and FIELDs (an f-string's `{...}`: any text).
# A quoted message is characters, Values (`<placeholder>`: text a field printed) and, at its
# end, REST (`...`: the rest of the message, left out).
FIELD, REST = object(), object()
Pattern = list[object]


@dataclass(frozen=True)
class Value:
    """A placeholder of a quoted message, such as `<path>`."""

    text: str


def quoted_messages() -> list[str]:
    """The messages docs/troubleshooting.md quotes (lines of its ```text blocks)."""
    return [
        line
        for language, _, body in fenced_blocks(TROUBLESHOOTING)
        if language == OUTPUT
        for line in body
        if line.startswith("pcw: ")
    ]


def _pattern(quote: str) -> Pattern:
    """A quoted message as characters, VALUEs and a final REST."""
    rest = quote.endswith("...")
    pattern: Pattern = []
    for part in re.split(r"(<[^<>\s][^<>]*>)", quote.removesuffix("...") if rest else quote):
        if PLACEHOLDER.fullmatch(part):
            pattern.append(Value(part))
        else:
            pattern.extend(part)
    return [*pattern, REST] if rest else pattern


def _regex(quote: str) -> re.Pattern[str]:
    """What a printed line matches to be the quoted message."""
    return re.compile(
        "".join(
            ".*" if c is REST else ".+?" if isinstance(c, Value) else re.escape(c)
            for c in _pattern(quote)
        )
    )


def _render(node: ast.JoinedStr, module: object) -> Pattern:
    """An f-string as characters and FIELDs; module constants (a hint, a limit) filled in."""
    pattern: Pattern = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            pattern.extend(str(value.value))
            continue
        constant = None
        if isinstance(value.value, ast.Name) and value.conversion == -1 and not value.format_spec:
            constant = getattr(module, value.value.id, None)
        if isinstance(constant, (str, int)) and not isinstance(constant, bool):
            pattern.extend(str(constant))
        else:
            pattern.append(FIELD)
    return pattern


def message_templates() -> list[Pattern]:
    """Every string and f-string in the source of pcw/ and load/, as patterns."""
    templates = []
    sources = [*(PROJECT_ROOT / "pcw").rglob("*.py"), *(PROJECT_ROOT / "load").rglob("*.py")]
    for path in sorted(sources):
        parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
        module = importlib.import_module(".".join(p for p in parts if p != "__init__"))
        tree = ast.parse(path.read_text())
        inner = {
            id(value)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for value in node.values
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                templates.append(_render(node, module))
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in inner
            ):
                templates.append(list(node.value))
    # A template that is mostly a field ("pcw: error: {error}") would match any quote.
    return [template for template in templates if len(_literal(template)) >= 8]


def _literal(template: Pattern) -> str:
    text = "".join(c for c in template if isinstance(c, str))
    return text.removeprefix("pcw: error: ").removeprefix("pcw: warning: ")


def _fits(quote: Pattern, template: Pattern) -> bool:
    """Whether the code's template can print the quoted message.

    The quote's characters must be the template's, or printed by its fields; a Value must be
    printed by a field (or be the template's own text, as `SOURCES__PROCORE__<NAME>` is);
    REST may stand for anything left.
    """
    reached, todo = set(), [(0, 0)]
    while todo:
        i, j = todo.pop()
        if (i, j) in reached:
            continue
        reached.add((i, j))
        if i == len(quote) and j == len(template):
            return True
        if i < len(quote) and quote[i] is REST:
            todo += [(i + 1, j)] + ([(i, j + 1)] if j < len(template) else [])
        if j < len(template) and template[j] is FIELD:
            todo += [(i, j + 1)] + ([(i + 1, j)] if i < len(quote) else [])
        if i < len(quote) and j < len(template) and quote[i] == template[j]:
            todo.append((i + 1, j + 1))
        if i < len(quote) and isinstance(quote[i], Value):
            text = list(quote[i].text)
            if template[j : j + len(text)] == text:
                todo.append((i + 1, j + len(text)))
    return False


def _printed_by_the_code(quote: str, templates: list[Pattern]) -> bool:
    forms = {quote, quote.removeprefix("pcw: error: ").removeprefix("pcw: warning: ")}
    for form in forms:
        pattern = _pattern(form)
        for template in templates:
            # Cheap first: the literal starts must agree.
            head = "".join(takewhile(lambda c: isinstance(c, str), template))
            start = "".join(takewhile(lambda c: isinstance(c, str), pattern))
            if (start.startswith(head) or head.startswith(start)) and _fits(pattern, template):
                return True
    return False


def _quoted_by_troubleshooting(line: str) -> bool:
    return any(_regex(quote).fullmatch(line) for quote in quoted_messages())


def test_every_message_the_troubleshooting_page_quotes_is_one_pcw_prints():
    quotes = quoted_messages()
    assert len(quotes) >= 30
    templates = message_templates()
    missing = [quote for quote in quotes if not _printed_by_the_code(quote, templates)]
    assert not missing, "quoted, but printed nowhere in pcw/ or load/:\n" + "\n".join(missing)


def _project(root: Path, config: str = "", secrets: str = "") -> Path:
    """A project directory whose .dlt/ holds ``config`` and ``secrets``."""
    (root / ".dlt").mkdir(parents=True)
    (root / ".dlt" / "config.toml").write_text(config)
    if secrets:
        (root / ".dlt" / "secrets.toml").write_text(secrets)
    return root


SECRETS = '[sources.procore]\nclient_id = "id"\nclient_secret = "not-a-real-secret"\n'

# Common failures, caused for real: pcw's arguments, environment ("SOURCES__PROCORE__": None
# drops the sandbox's settings), and the .dlt/ files (config, secrets) of a project to use.
FAILURES = {
    "wrong client secret": (["load"], {"SOURCES__PROCORE__CLIENT_SECRET": "wrong"}, None),
    "unknown company": (["load"], {"SOURCES__PROCORE__COMPANY_IDS": "[1]"}, None),
    "unknown environment": (["check"], {"SOURCES__PROCORE__ENVIRONMENT": "prod"}, None),
    "missing configuration": (["check"], {"SOURCES__PROCORE__": None}, ("", "")),
    "no company configured": (
        ["load"],
        {"SOURCES__PROCORE__": None},
        ("[sources.procore]\ncompany_ids = []\n", SECRETS),
    ),
    "malformed config file": (["check"], {}, ("[sources.procore]\ncompany_ids = [8089\n", "")),
    "setting of the wrong type": (
        ["load"],
        {"SOURCES__PROCORE__": None},
        ('[sources.procore]\ncompany_ids = "abc"\n', ""),
    ),
    "secret in config.toml": (
        ["load"],
        {"SOURCES__PROCORE__": None},
        ('[sources.procore]\ncompany_ids = [8089]\nclient_id = "id"\n', ""),
    ),
    "no raw data to build": (["build"], {}, None),
    "no raw data to report": (["status"], {}, None),
    "no warehouse to query": (["query", "select 1"], {}, None),
    "project directory missing": (["--project-dir", "{tmp}/nowhere", "status"], {}, None),
    "secrets already written": (["init"], {"PCW_PROJECT_DIR": "{tmp}/init"}, None),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_common_failure_prints_the_line_the_troubleshooting_page_quotes(
    failure, workspace, tmp_path
):
    argv, overrides, files = FAILURES[failure]
    if failure == "secrets already written":
        _project(tmp_path / "init", secrets=SECRETS)
        shutil.copy(PROJECT_ROOT / ".dlt" / "example.secrets.toml", tmp_path / "init" / ".dlt")
    argv = [argument.replace("{tmp}", str(tmp_path)) for argument in argv]
    env = workspace.env(PCW_DATA_DIR=str(tmp_path / "data"))
    for name, value in overrides.items():
        if value is None:
            env = {k: v for k, v in env.items() if not k.startswith(name)}
        else:
            env[name] = value.replace("{tmp}", str(tmp_path))
    if files is not None:
        argv = ["--project-dir", str(_project(tmp_path / "project", *files)), *argv]
    result = subprocess.run(
        [*PCW, *argv],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    line = result.stderr.splitlines()[-1]
    assert _quoted_by_troubleshooting(line), f"docs/troubleshooting.md does not quote:\n{line}"
    assert "not-a-real-secret" not in result.stderr and "Traceback" not in result.stderr
