"""An HTTP client for the REST sandbox, authorised as its DMSA: what tests call it with.

The sandbox package itself serves HTTP but never sends it, so the client side (``requests``)
lives with the tests that need it.
"""

from __future__ import annotations

import requests

from sandbox import ProcoreSandbox


def client_credentials_token(sandbox: ProcoreSandbox) -> str:
    """A fresh access token for the sandbox's own DMSA client, fetched over HTTP."""
    response = requests.post(
        f"{sandbox.login_url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": sandbox.settings.client_id,
            "client_secret": sandbox.settings.client_secret,
        },
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def authorised_session(sandbox: ProcoreSandbox, company_header: bool = True) -> requests.Session:
    """A ``requests.Session`` authorised as the sandbox's DMSA client.

    With ``company_header`` it also sends ``Procore-Company-Id``, as every real client must.
    """
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {client_credentials_token(sandbox)}"
    if company_header:
        session.headers["Procore-Company-Id"] = str(sandbox.company.company_id)
    return session
