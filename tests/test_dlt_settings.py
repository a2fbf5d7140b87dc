"""The dlt settings the loaders rely on live in .dlt/config.toml, where users see them."""

from __future__ import annotations

import re
from pathlib import Path

import dlt

from pcw.paths import PROJECT_ROOT

# Each setting the loaders depend on, with the value they need.
RELIED_ON = {
    "load.truncate_staging_dataset": True,
    "data_writer.arrow_concat_promote_options": "default",
    "extract.next_item_mode": "fifo",
}


def test_dlt_resolves_each_setting_the_loaders_rely_on_from_the_project_config():
    for key, value in RELIED_ON.items():
        assert dlt.config.get(key) == value, key


def test_no_code_writes_dlt_settings_at_run_time():
    writes = re.compile(r"dlt\.config\[[^\]]+\]\s*=")
    for folder in ("load", "pcw", "sandbox"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            assert not writes.search(path.read_text()), path.relative_to(PROJECT_ROOT)


def test_the_project_config_is_the_one_dlt_reads():
    assert (Path.cwd() / ".dlt" / "config.toml").samefile(PROJECT_ROOT / ".dlt" / "config.toml")
