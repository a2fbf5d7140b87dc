"""An access token that expires in the middle of a long load: a new one, and nothing lost."""

import threading

from load.pipeline import run_load
from sandbox import ProcoreSandbox, SandboxSettings
from tests.conftest import options_for


def test_a_token_that_expires_mid_load_is_replaced_and_every_record_arrives(company, data_dir):
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with ProcoreSandbox(company, settings) as sandbox:
        loading = threading.Event()
        expired = []

        def expire_tokens_mid_load() -> None:
            # Once the load is well under way, every token issued so far stops being valid,
            # as if its lifetime ran out between two requests.
            while not loading.wait(0.01):
                if sandbox.request_count >= 60 and not expired:
                    for token in list(sandbox.oauth.access_tokens.values()):
                        token.expires_at = 0.0
                        expired.append(token.value)

        watcher = threading.Thread(target=expire_tokens_mid_load, daemon=True)
        watcher.start()
        try:
            summary = run_load(
                data_dir / "raw.duckdb",
                data_dir / "pipelines",
                **options_for(sandbox, company, resources=["rfi_replies"]),
            )
        finally:
            loading.set()
            watcher.join()
        issued = set(sandbox.oauth.access_tokens)
    assert expired, "the load ended before a token could expire"
    assert issued - set(expired), "the loader should have obtained a new token"
    replies = sum(len(company.children("rfi_replies", rfi["id"])) for rfi in company.all_rfis())
    assert summary.table_rows["rfi_replies"] == replies
