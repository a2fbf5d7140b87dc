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


def test_the_loader_settings_in_the_project_config_are_the_source_defaults():
    from load.procore import settings

    defaults = {
        "per_page": settings.DEFAULT_PER_PAGE,
        "page_workers": settings.DEFAULT_PAGE_WORKERS,
        "daily_log_lookback_days": settings.DEFAULT_DAILY_LOG_LOOKBACK_DAYS,
        "start_date": settings.DEFAULT_START_DATE,
    }
    for name, value in defaults.items():
        assert dlt.config.get(f"sources.procore.{name}") == value, name
