"""`pcw init`: write `.dlt/secrets.toml` from the example, without ever echoing a secret."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import PcwError

EXAMPLE = Path(".dlt") / "example.secrets.toml"
SECRETS = Path(".dlt") / "secrets.toml"
PLACEHOLDERS = {
    "client_id": "<your DMSA client id>",
    "client_secret": "<your DMSA client secret>",
}


def init_secrets(
    project: Path,
    interactive: bool | None = None,
    ask: Callable[[str], str] = input,
    ask_secret: Callable[[str], str] = getpass.getpass,
) -> Path:
    """Write the project's `.dlt/secrets.toml` from `.dlt/example.secrets.toml`.

    On a terminal it asks for the client id and (without echo) the client secret; elsewhere,
    or when an answer is left empty, the example's placeholders stay for the user to edit.
    An existing secrets file is never overwritten. The file is readable by its owner only.

    Returns:
        The path of the secrets file written.
    """
    example, secrets = project / EXAMPLE, project / SECRETS
    if secrets.exists():
        raise PcwError(
            f"{secrets} already exists; edit it, or remove it first to start from the example."
        )
    if not example.exists():
        raise PcwError(f"No {example}: is {project} a procore-warehouse checkout?")
    text = example.read_text()
    if interactive is None:
        interactive = sys.stdin.isatty()
    if interactive:
        answers = {
            "client_id": ask("Procore DMSA client id: ").strip(),
            "client_secret": ask_secret("Procore DMSA client secret (not shown): ").strip(),
        }
        for name, answer in answers.items():
            if answer:
                text = text.replace(PLACEHOLDERS[name], answer.replace('"', '\\"'))
    descriptor = os.open(secrets, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    return secrets
