"""The Delta Sharing sandbox, read by the real delta-sharing 1.4.2 client.

Tables are written with deltalake into a temporary root (`<root>/<schema>/<table>`); the
server runs on 127.0.0.1. What the client needs is in docs/procore-analytics.md.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import delta_sharing
import pandas as pd
import pyarrow as pa
import pytest
import requests
from delta_sharing.protocol import DeltaSharingProfile
from delta_sharing.rest_client import DataSharingRestClient
from deltalake import DeltaTable, write_deltalake
from requests import HTTPError

from sandbox.share import DeltaSharingServer

SHARE = "procore_analytics"
UTC_DAY = datetime(2024, 5, 1, tzinfo=UTC)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


def _commit_times(path: Path) -> dict[int, int]:
    """Commit timestamps (epoch ms) by version, from the tables' own commitInfo."""
    history = DeltaTable(str(path)).history()
    return {int(entry["version"]): int(entry["timestamp"]) for entry in history}


@pytest.fixture(scope="module", autouse=True)
def _no_proxy() -> Iterator[None]:
    """requests and aiohttp would send 127.0.0.1 through a configured proxy."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("NO_PROXY", "no_proxy"):
            patch.setenv(name, "127.0.0.1,localhost")
        yield


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five small tables in three schemas, each exercising one part of the protocol.

    Keyed like Procore Analytics tables (``<entity>_id``, no bare ``id``).
    """
    base = tmp_path_factory.mktemp("share")

    rfis = base / "project_management" / "rfis"
    first = pa.table(
        {
            "rfi_id": [1, 2, 3],
            "subject": ["Beam size", "Door hardware", "Paint colour"],
            "created_at": [UTC_DAY + timedelta(hours=h) for h in range(3)],
        }
    )
    write_deltalake(str(rfis), first)
    time.sleep(0.05)  # distinct commit timestamps for time travel
    write_deltalake(
        str(rfis), first.slice(0, 2).set_column(0, "rfi_id", pa.array([4, 5])), mode="append"
    )

    changes = base / "project_management" / "submittals"
    write_deltalake(
        str(changes),
        pa.table({"submittal_id": [1, 2, 3], "status": ["open", "open", "open"]}),
        configuration={"delta.enableChangeDataFeed": "true"},
    )
    table = DeltaTable(str(changes))
    table.update(updates={"status": "'closed'"}, predicate="submittal_id = 2")
    table.delete("submittal_id = 3")
    write_deltalake(
        str(changes), pa.table({"submittal_id": [4], "status": ["draft"]}), mode="append"
    )

    write_deltalake(
        str(base / "core" / "cost_codes"),
        pa.table({"division": ["a b", "c/d=e", "a b"], "code": [10, 20, 30]}),
        partition_by=["division"],
    )
    # Naive timestamps become timestamp_ntz: reader version 3, the delta path.
    write_deltalake(
        str(base / "core" / "daily_logs"),
        pa.table({"day": [datetime(2024, 5, 1, 7, 30), datetime(2024, 5, 2, 8, 0)], "n": [1, 2]}),
    )
    # One file over fsspec's 5 MB block: the parquet path must read it in ranges.
    rows = 300_000
    write_deltalake(
        str(base / "financials" / "line_items"),
        pa.table({"n": pa.array(range(rows)), "blob": [os.urandom(20).hex() for _ in range(rows)]}),
    )
    return base


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[DeltaSharingServer]:
    with DeltaSharingServer(root, max_results_default=1) as running:
        yield running


@pytest.fixture(scope="module")
def profile(server: DeltaSharingServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return server.write_profile(tmp_path_factory.mktemp("profile") / "config.share")


def _url(profile: Path, schema: str, table: str) -> str:
    return f"{profile}#{SHARE}.{schema}.{table}"


def _api(server: DeltaSharingServer, path: str) -> str:
    return f"{server.endpoint}/shares/{SHARE}/{path}"


def _auth(server: DeltaSharingServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.bearer_token}"}


def _file_urls(server: DeltaSharingServer, schema: str, table: str) -> list[str]:
    """File URLs of a parquet-format query, fetched without the client."""
    response = requests.post(
        _api(server, f"schemas/{schema}/tables/{table}/query"),
        json={},
        headers=_auth(server),
        timeout=10,
    )
    response.raise_for_status()
    lines = [json.loads(line) for line in response.text.splitlines()]
    return [line["file"]["url"] for line in lines[2:]]


def _sorted(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return sorted(frame[columns].itertuples(index=False, name=None))


# -- discovery -------------------------------------------------------------------------------


def test_list_all_tables_pages_one_table_at_a_time_and_finds_every_table(
    server: DeltaSharingServer, profile: Path
) -> None:
    before = server.request_count
    tables = delta_sharing.SharingClient(str(profile)).list_all_tables()
    assert [(t.share, t.schema, t.name) for t in tables] == [
        (SHARE, "core", "cost_codes"),
        (SHARE, "core", "daily_logs"),
        (SHARE, "financials", "line_items"),
        (SHARE, "project_management", "rfis"),
        (SHARE, "project_management", "submittals"),
    ]
    # One /shares call plus one all-tables call per table (page size 1).
    assert server.request_count - before == 1 + 5


def test_schemas_and_tables_list_sorted_across_pages(profile: Path) -> None:
    client = delta_sharing.SharingClient(str(profile))
    [share] = client.list_shares()
    schemas = client.list_schemas(share)
    assert [s.name for s in schemas] == ["core", "financials", "project_management"]
    assert [t.name for t in client.list_tables(schemas[2])] == ["rfis", "submittals"]


def test_an_unknown_table_is_a_404_with_an_error_code(server: DeltaSharingServer) -> None:
    response = requests.get(
        _api(server, "schemas/project_management/tables/nope/version"),
        headers=_auth(server),
        timeout=10,
    )
    assert response.status_code == 404
    assert response.json()["errorCode"] == "RESOURCE_DOES_NOT_EXIST"


def test_a_bad_page_token_is_a_400(server: DeltaSharingServer) -> None:
    response = requests.get(
        _api(server, "all-tables"),
        params={"pageToken": "garbage"},
        headers=_auth(server),
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["errorCode"] == "INVALID_PARAMETER_VALUE"


# -- snapshots -------------------------------------------------------------------------------


@pytest.mark.parametrize("use_delta_format", [False, True, None], ids=["parquet", "delta", "auto"])
def test_load_as_pandas_returns_exactly_the_written_rows(
    profile: Path, use_delta_format: bool | None
) -> None:
    frame = delta_sharing.load_as_pandas(
        _url(profile, "project_management", "rfis"), use_delta_format=use_delta_format
    )
    assert list(frame.columns) == ["rfi_id", "subject", "created_at"]
    assert _sorted(frame, ["rfi_id", "subject"]) == [
        (1, "Beam size"),
        (2, "Door hardware"),
        (3, "Paint colour"),
        (4, "Beam size"),
        (5, "Door hardware"),
    ]
    assert sorted(pd.to_datetime(frame["created_at"], utc=True))[0] == pd.Timestamp(UTC_DAY)


@pytest.mark.parametrize("use_delta_format", [False, True], ids=["parquet", "delta"])
def test_limit_version_and_timestamp_select_rows(
    root: Path, profile: Path, use_delta_format: bool
) -> None:
    url = _url(profile, "project_management", "rfis")
    limited = delta_sharing.load_as_pandas(url, limit=2, use_delta_format=use_delta_format)
    assert len(limited) == 2
    at_zero = delta_sharing.load_as_pandas(url, version=0, use_delta_format=use_delta_format)
    assert sorted(at_zero["rfi_id"]) == [1, 2, 3]
    stamps = _commit_times(root / "project_management" / "rfis")
    between = _iso((stamps[0] + stamps[1]) // 2)
    at_time = delta_sharing.load_as_pandas(
        url, timestamp=between, use_delta_format=use_delta_format
    )
    assert sorted(at_time["rfi_id"]) == [1, 2, 3]


def test_table_version_answers_latest_and_first_version_after_a_timestamp(
    root: Path, profile: Path
) -> None:
    url = _url(profile, "project_management", "rfis")
    assert delta_sharing.get_table_version(url) == 1
    stamps = _commit_times(root / "project_management" / "rfis")
    assert delta_sharing.get_table_version(url, starting_timestamp=_iso(stamps[0] + 1)) == 1


def test_metadata_is_ndjson_with_version_and_format_headers(server: DeltaSharingServer) -> None:
    response = requests.get(
        _api(server, "schemas/core/tables/daily_logs/metadata"),
        headers={**_auth(server), "delta-sharing-capabilities": "responseformat=delta,parquet"},
        timeout=10,
    )
    assert response.headers["Delta-Table-Version"] == "0"
    # minReaderVersion 3 (timestamp_ntz) makes a both-formats request answer delta.
    assert response.headers["delta-sharing-capabilities"] == "responseformat=delta"
    assert response.headers["Content-Type"].startswith("application/x-ndjson")
    protocol, metadata = (json.loads(line) for line in response.text.splitlines())
    assert protocol["protocol"]["deltaProtocol"]["minReaderVersion"] == 3
    assert metadata["metaData"]["version"] == 0


@pytest.mark.parametrize("use_delta_format", [False, True], ids=["parquet", "delta"])
def test_a_partitioned_table_with_odd_partition_values_loads(
    profile: Path, use_delta_format: bool
) -> None:
    frame = delta_sharing.load_as_pandas(
        _url(profile, "core", "cost_codes"), use_delta_format=use_delta_format
    )
    assert _sorted(frame, ["division", "code"]) == [("a b", 10), ("a b", 30), ("c/d=e", 20)]


def test_json_predicate_hints_skip_other_partitions(profile: Path) -> None:
    hint = {
        "op": "equal",
        "children": [
            {"op": "column", "name": "division", "valueType": "string"},
            {"op": "literal", "value": "c/d=e", "valueType": "string"},
        ],
    }
    frame = delta_sharing.load_as_pandas(
        _url(profile, "core", "cost_codes"),
        jsonPredicateHints=json.dumps(hint),
        use_delta_format=False,
    )
    assert _sorted(frame, ["division", "code"]) == [("c/d=e", 20)]


def test_naive_timestamps_load_through_the_autoresolved_delta_path(profile: Path) -> None:
    frame = delta_sharing.load_as_pandas(_url(profile, "core", "daily_logs"))
    assert sorted(frame["day"]) == [pd.Timestamp(2024, 5, 1, 7, 30), pd.Timestamp(2024, 5, 2, 8)]


def test_a_file_over_five_megabytes_loads_through_the_parquet_path(
    root: Path, profile: Path
) -> None:
    [data_file] = (root / "financials" / "line_items").glob("*.parquet")
    assert data_file.stat().st_size > 5 * 1024 * 1024
    frame = delta_sharing.load_as_pandas(
        _url(profile, "financials", "line_items"), use_delta_format=False
    )
    assert len(frame) == 300_000
    assert frame["n"].sum() == sum(range(300_000))


# -- change data feed ------------------------------------------------------------------------

EXPECTED_CHANGES = [
    (1, "open", "insert", 0),
    (2, "closed", "update_postimage", 1),
    (2, "open", "insert", 0),
    (2, "open", "update_preimage", 1),
    (3, "open", "delete", 2),
    (3, "open", "insert", 0),
    (4, "draft", "insert", 3),
]


@pytest.mark.parametrize("use_delta_format", [False, True], ids=["parquet", "delta"])
def test_table_changes_return_inserts_updates_and_deletes(
    profile: Path, use_delta_format: bool
) -> None:
    frame = delta_sharing.load_table_changes_as_pandas(
        _url(profile, "project_management", "submittals"),
        starting_version=0,
        ending_version=3,
        use_delta_format=use_delta_format,
    )
    columns = ["submittal_id", "status", "_change_type", "_commit_version"]
    assert _sorted(frame, columns) == EXPECTED_CHANGES
    assert frame["_commit_timestamp"].notna().all()


def test_table_changes_from_a_starting_timestamp_skip_earlier_versions(
    root: Path, profile: Path
) -> None:
    stamps = _commit_times(root / "project_management" / "submittals")
    frame = delta_sharing.load_table_changes_as_pandas(
        _url(profile, "project_management", "submittals"),
        starting_timestamp=_iso(stamps[2]),
        use_delta_format=False,
    )
    assert sorted(frame["_commit_version"].unique()) == [2, 3]


def test_table_changes_of_a_table_without_change_data_feed_are_a_400(profile: Path) -> None:
    with pytest.raises(HTTPError) as raised:
        delta_sharing.load_table_changes_as_pandas(
            _url(profile, "project_management", "rfis"), starting_version=0, use_delta_format=False
        )
    assert raised.value.response.status_code == 400
    assert raised.value.response.json()["errorCode"] == "INVALID_PARAMETER_VALUE"


# -- auth ------------------------------------------------------------------------------------


def test_a_wrong_bearer_token_gets_a_401(server: DeltaSharingServer) -> None:
    profile = DeltaSharingProfile(
        share_credentials_version=1, endpoint=server.endpoint, bearer_token="wrong"
    )
    client = delta_sharing.SharingClient(profile)
    with pytest.raises(HTTPError) as raised:
        client.list_shares()
    assert raised.value.response.status_code == 401
    assert raised.value.response.json()["errorCode"] == "UNAUTHENTICATED"


def test_an_expired_bearer_token_gets_a_401(root: Path, tmp_path: Path) -> None:
    expired = datetime.now(UTC) - timedelta(minutes=1)
    with DeltaSharingServer(root, token_expires_at=expired) as server:
        profile = server.write_profile(tmp_path / "expired.share")
        assert json.loads(profile.read_text())["expirationTime"].endswith("Z")
        rest = DataSharingRestClient(DeltaSharingProfile.read_from_file(str(profile)), 0)
        with pytest.raises(HTTPError) as raised:
            rest.list_shares()
    assert raised.value.response.status_code == 401


# -- file URLs -------------------------------------------------------------------------------


def test_file_urls_are_signed_with_x_amz_signature_and_expire(server: DeltaSharingServer) -> None:
    [url] = _file_urls(server, "core", "daily_logs")
    assert "X-Amz-Signature=" in url
    assert requests.get(url, timeout=10).status_code == 200
    tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
    assert requests.get(tampered, timeout=10).status_code == 403
    other_file = url.replace(".parquet", "x.parquet")
    assert requests.get(other_file, timeout=10).status_code == 403


def test_an_expired_file_url_gets_a_403(root: Path) -> None:
    with DeltaSharingServer(root, url_ttl_seconds=0) as server:
        [url] = _file_urls(server, "core", "daily_logs")
        response = requests.get(url, timeout=10)
    assert response.status_code == 403
    assert response.json()["errorCode"] == "PERMISSION_DENIED"


def test_file_urls_answer_head_and_byte_ranges(root: Path, server: DeltaSharingServer) -> None:
    [url] = _file_urls(server, "core", "daily_logs")
    [data_file] = (root / "core" / "daily_logs").glob("*.parquet")
    content = data_file.read_bytes()
    size = len(content)

    head = requests.head(url, timeout=10)
    assert head.status_code == 200
    assert int(head.headers["Content-Length"]) == size

    middle = requests.get(url, headers={"Range": "bytes=4-11"}, timeout=10)
    assert middle.status_code == 206
    assert middle.headers["Content-Range"] == f"bytes 4-11/{size}"
    assert middle.content == content[4:12]

    tail = requests.get(url, headers={"Range": "bytes=-8"}, timeout=10)
    assert tail.status_code == 206
    assert tail.content == content[-8:]
    assert tail.headers["Content-Range"] == f"bytes {size - 8}-{size - 1}/{size}"

    rest = requests.get(url, headers={"Range": f"bytes={size - 4}-"}, timeout=10)
    assert rest.status_code == 206
    assert rest.content == b"PAR1"

    beyond = requests.get(url, headers={"Range": f"bytes={size}-"}, timeout=10)
    assert beyond.status_code == 416


def test_partition_directories_are_decoded_in_file_urls(server: DeltaSharingServer) -> None:
    urls = _file_urls(server, "core", "cost_codes")
    assert len(urls) == 2
    assert all(requests.get(url, timeout=10).status_code == 200 for url in urls)


# -- log edge cases --------------------------------------------------------------------------


def test_tables_appear_after_start_and_load_from_a_checkpoint(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    with DeltaSharingServer(root) as server:
        profile = server.write_profile(tmp_path / "config.share")
        assert delta_sharing.SharingClient(str(profile)).list_all_tables() == []
        path = root / "project_management" / "punch_items"
        for number in range(3):
            write_deltalake(str(path), pa.table({"punch_item_id": [number]}), mode="append")
        DeltaTable(str(path)).create_checkpoint()
        # Only the checkpoint can rebuild version 2 once the early JSON commits are gone.
        for version in (0, 1):
            (path / "_delta_log" / f"{version:020d}.json").unlink()
        url = _url(profile, "project_management", "punch_items")
        for use_delta_format in (False, True):
            frame = delta_sharing.load_as_pandas(url, use_delta_format=use_delta_format)
            assert sorted(frame["punch_item_id"]) == [0, 1, 2]
