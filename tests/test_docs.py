"""The README stays true to the code: every loaded list is in the tool-permission table."""

import re

from load.procore.catalog import CATALOG
from pcw.paths import PROJECT_ROOT


def test_the_readme_says_which_tool_every_list_needs():
    readme = (PROJECT_ROOT / "README.md").read_text()
    table = readme[readme.index("| Procore tool (level) | lists |") :]
    table = table[: table.index("\n\n")]
    named = set(re.findall(r"`([a-z_]+)`", table))
    assert named == {entry.name for entry in CATALOG}
