"""Long pages go from JSON straight to Arrow, and land exactly as the Python path lands them."""

from __future__ import annotations

import orjson
import pyarrow as pa
import pytest

from load.pipeline import run_load
from load.procore import arrow
from load.procore.arrow import PageReader, TableShaper
from sandbox import ProcoreSandbox, SandboxSettings
from tests.conftest import options_for
from tests.load.test_incremental_equivalence import assert_same_raw

RFI = {
    "id": 1,
    "subject": "Rock at grid C",
    "due_date": "2024-03-01",
    "updated_at": "2024-02-27T22:15:00Z",
    "cost_impact": {"status": "yes_known", "value": 24000.0},
    "assignees": [{"id": 44, "name": "Ada Architect"}],
}


def _page(*records: dict) -> bytes:
    return orjson.dumps(list(records))


@pytest.fixture
def reader(monkeypatch) -> PageReader:
    monkeypatch.setattr(PageReader, "MIN_BYTES", 0)
    return PageReader()


def _taught(reader: PageReader, *records: dict) -> TableShaper:
    shaper = TableShaper("rfis", {}, reader=reader)
    shaper(list(records))
    return shaper


def test_a_page_is_left_to_the_python_path_until_a_batch_has_taught_the_reader_its_types(reader):
    assert reader.read(_page(RFI)) is None
    _taught(reader, RFI)
    assert reader.read(_page(RFI)) is not None


def test_a_read_page_shapes_to_the_same_table_as_its_records(reader):
    shaper = _taught(reader, RFI)
    other = {**RFI, "id": 2, "due_date": None, "assignees": []}

    from_json = shaper.from_page(reader.read(_page(RFI, other)))

    assert from_json.equals(shaper([RFI, other]))
    assert from_json.schema.field("due_date").type == pa.string()  # a date stays text


def test_a_new_field_of_dates_is_left_to_the_python_path_which_keeps_them_as_text(reader):
    _taught(reader, RFI)
    assert reader.read(_page({**RFI, "closed_on": "2024-03-02"})) is None
    assert reader.read(_page({**RFI, "location": {"opened_on": "2024-03-02"}})) is None


def test_a_value_of_another_kind_or_a_page_that_is_not_json_is_left_to_the_python_path(reader):
    _taught(reader, RFI)
    assert reader.read(_page({**RFI, "id": "R-1"})) is None
    assert reader.read(_page(RFI)[:-9]) is None
    assert reader.read(b'{"errors": "not a list"}') is None


def test_fields_first_seen_empty_take_the_type_of_later_batches(reader):
    _taught(reader, {**RFI, "assignees": [], "cost_impact": None})
    assert reader.read(_page(RFI)) is None  # a list of objects where an empty list was seen
    _taught(reader, RFI)
    assert reader.read(_page(RFI)) is not None


def test_short_pages_are_left_to_the_python_path(monkeypatch):
    reader = PageReader()
    _taught(reader, RFI)
    assert reader.read(_page(RFI)) is None
    assert reader.read(_page(*[{**RFI, "id": n} for n in range(200)])) is not None


def test_a_load_through_the_reader_equals_a_load_through_python_objects(
    company, tmp_path, monkeypatch
):
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    raws = {}
    with ProcoreSandbox(company, settings) as sandbox:
        # Every page the reader can take, then none; pages of 7 records, so that lists
        # have several pages and the reader learns from the first ones.
        for name, least in (("arrow", 0), ("python", 1 << 62)):
            monkeypatch.setattr(arrow.PageReader, "MIN_BYTES", least)
            directory = tmp_path / name
            run_load(
                directory / "raw.duckdb",
                directory / "pipelines",
                **options_for(sandbox, company, per_page=7),
            )
            raws[name] = directory / "raw.duckdb"
    assert_same_raw(raws["arrow"], raws["python"], ("arrow", "python"))
