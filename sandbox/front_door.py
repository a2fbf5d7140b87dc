"""One front door for the sandbox: a company's REST API and its Procore Analytics share, in step.

Procore shows one company through two doors, the REST API and the Delta Share that Procore
Analytics hands out. ``Sandbox`` opens both for a generated company: it writes the share's
Delta tables, starts the REST server (``ProcoreSandbox``) and the Delta Sharing server
(``DeltaSharingServer``), writes the share's profile file, and syncs the share after every
``advance`` so that both doors describe the same company at the same moment::

    with Sandbox(generate_company(seed=7), tmp_path / "share") as sandbox:
        print(sandbox.rest.base_url, sandbox.profile)
        sandbox.advance(1)  # the REST API and the share move together

Code that needs only one door may start that server on its own.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Self

from .generator import Company
from .server import ProcoreSandbox, SandboxSettings
from .share import DeltaSharingServer, ShareSettings
from .share.tables import sync_share, write_share

__all__ = ["PROFILE_NAME", "TABLES_DIR", "Sandbox"]

# Under ``share_dir``: the Delta tables, and the profile file a sharing client reads.
TABLES_DIR = "tables"
PROFILE_NAME = "procore_analytics.share"


class Sandbox:
    """Both doors of one generated company, started together and kept in step.

    Use it as a context manager, or call ``start()`` and ``stop()``. Both servers exist from
    construction (``rest``, ``share``), so their settings may be changed before and while
    they run; ``start()`` writes the share and opens both.

    Args:
        company: The company to serve.
        share_dir: Where the share lives: ``<share_dir>/tables/`` holds its Delta tables
            (replaced on start: a previous run's tables describe another company) and
            ``<share_dir>/procore_analytics.share`` its profile file.
        settings: How the REST sandbox behaves (the defaults when None).
        host: The interface both servers listen on.
        port: The REST server's port; 0 takes a free one.
        share_port: The sharing server's port; 0 takes a free one.
        token_expires_at: When the share's bearer token expires (never when None).
        share_settings: The share's layout and drift switches (the defaults when None).
        clock: Seconds since the epoch, for the REST rate-limit windows.
    """

    def __init__(
        self,
        company: Company,
        share_dir: Path | str,
        settings: SandboxSettings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        share_port: int = 0,
        token_expires_at: datetime | None = None,
        share_settings: ShareSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.company = company
        self.share_dir = Path(share_dir)
        self.tables_dir = self.share_dir / TABLES_DIR
        self.profile = self.share_dir / PROFILE_NAME
        self.share_settings = share_settings
        self.rest = ProcoreSandbox(company, settings, host=host, port=port, clock=clock)
        self.share = DeltaSharingServer(
            self.tables_dir, host=host, port=share_port, token_expires_at=token_expires_at
        )
        # Table name -> its directory, once the share is written.
        self.tables: dict[str, Path] = {}
        # What the last sync changed, table by table (see ``sync_share``).
        self.last_sync: dict[str, dict[str, int]] = {}
        self._stack: ExitStack | None = None

    @property
    def settings(self) -> SandboxSettings:
        """The REST sandbox's settings (read on every request, so they may be changed)."""
        return self.rest.settings

    def start(self) -> Self:
        """Write the share, start both servers, write the profile and wire the sync hook."""
        shutil.rmtree(self.tables_dir, ignore_errors=True)
        self.tables = write_share(self.company, self.tables_dir, settings=self.share_settings)
        with ExitStack() as stack:
            # A server that fails to start must not leave the other one running.
            stack.enter_context(self.rest)
            stack.enter_context(self.share)
            self.share.write_profile(self.profile)
            self.rest.after_advance.append(self._sync)
            self._stack = stack.pop_all()
        return self

    def stop(self) -> None:
        """Stop both servers; the share's files stay on disk."""
        if self._stack is not None:
            self.rest.after_advance.remove(self._sync)
            stack, self._stack = self._stack, None
            stack.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def advance(self, days: float) -> None:
        """Move the company's clock forward; the share is synced to it before this returns.

        The REST sandbox's ``POST /_sandbox/advance`` takes the same path.
        """
        self.rest.advance(days)

    def _sync(self, company: Company) -> None:
        """Bring the share up to date with the company, as an hourly refresh would."""
        self.last_sync = sync_share(company, self.tables_dir, settings=self.share_settings)
