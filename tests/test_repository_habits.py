"""The repository stands alone and keeps its habits: nothing cites notes outside it, every
docs link leads somewhere, and the pre-commit hooks run the linters of `make lint`."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

from pcw.paths import PROJECT_ROOT
from tests.test_docs import _anchor

# What a citation of something outside the repository looks like: a section sign, the research
# notes the project started from (their folder, their file names, or the phrase that calls them
# notes), a developers' guide that is not in the repository, or an issue number. Facts go in
# docs/ (cited as docs/<page>.md#<heading>) or in the comment itself. The pattern is built from
# pieces so that this file does not match it. Our own page of API facts is
# docs/procore-api.md; a notes file of the REST API is cited by its own name. "Procore may
# issue 64-bit ids" and "the notes field" are not citations.
_NOTE_PAGES = (
    "kpis",
    "dlt-dbt-duckdb",
    "delta-sharing",
    "procore-analytics-tables",
    "procore-rest-api",
)
CITATION = re.compile(
    "|".join(
        [
            "\N{SECTION SIGN}",
            r"\breference/[a-z-]+\.md",
            r"\.\./shared\b",
            r"\b(?:" + "|".join(map(re.escape, _NOTE_PAGES)) + r")\.md\b",
            r"\bDEVELOPERS\.md\b",
            r"\b[Tt]he notes\b(?! (?:field|column|key)\b)",
            r"\b[Ii]ssues?\s+#?\d+\b(?!-)",
            r"\(#\d+\)",
        ]
    )
)
NOT_SCANNED = {"requirements.lock"}  # hashes, not prose


def tracked_text_files() -> Iterator[tuple[str, list[str]]]:
    """(path, lines) of every file git tracks that is text, as the working tree has it."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in sorted(filter(None, listed.split("\0"))):
        path = PROJECT_ROOT / name
        if path.name in NOT_SCANNED or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            yield name, data.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            continue


def test_no_file_cites_notes_outside_the_repository_or_an_issue():
    files = list(tracked_text_files())
    assert len(files) > 100, "git ls-files lists the repository"
    found = [
        f"{name}:{number}: {line.strip()}"
        for name, lines in files
        for number, line in enumerate(lines, start=1)
        if CITATION.search(line)
    ]
    assert not found, (
        "cites something outside the repository; state the fact in place or link "
        "docs/<page>.md#<heading>:\n" + "\n".join(found)
    )


DOCS_LINK = re.compile(r"(?<![\w./-])(?:\.\./)*docs/([\w.-]+?\.md)(?:#([\w-]+))?")


def test_every_docs_link_in_the_repository_leads_to_a_page_and_a_heading_in_it():
    headings: dict[str, set[str]] = {}
    links = 0
    broken = []
    for name, lines in tracked_text_files():
        for number, line in enumerate(lines, start=1):
            for page, anchor in DOCS_LINK.findall(line):
                target = PROJECT_ROOT / "docs" / page
                if page not in headings:
                    text = target.read_text() if target.is_file() else ""
                    found = re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)
                    headings[page] = {_anchor(h) for h in found} if target.is_file() else set()
                links += 1
                if not target.is_file():
                    broken.append(f"{name}:{number}: docs/{page} does not exist")
                elif anchor and anchor not in headings[page]:
                    broken.append(f"{name}:{number}: docs/{page} has no heading #{anchor}")
    assert links >= 20
    assert not broken, "\n".join(broken)


def _linter(command: str) -> tuple[str, ...]:
    """A lint command without the files it is given: the tool and its options."""
    words = command.replace("$(BIN)", ".venv/bin").split()
    return tuple(
        word
        for word in words
        if word != "--force-exclude"
        and (word.startswith(".venv/") or not (PROJECT_ROOT / word).exists())
    )


def test_the_pre_commit_hooks_run_the_linters_of_make_lint():
    import yaml

    config = yaml.safe_load((PROJECT_ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {_linter(hook["entry"]) for repo in config["repos"] for hook in repo["hooks"]}
    recipe = (PROJECT_ROOT / "Makefile").read_text().split("\nlint:")[1].split("\n\n")[0]
    assert hooks == {_linter(line) for line in recipe.splitlines()[1:]}
