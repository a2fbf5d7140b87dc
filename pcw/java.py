"""Whether this machine has a Java runtime Spark can run on (the dbt target ``spark``).

``python -m pcw.java`` exits 1 with a one-line reason and the fix when it has not;
``--warn`` only prints the reason (the install step: DuckDB alone needs no Java).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

# The Java releases Spark 3.5 runs on.
SUPPORTED_JAVA = (8, 11, 17)
INSTALL_HINT = (
    "install Java 17 (Debian/Ubuntu: `sudo apt-get install openjdk-17-jre-headless`; macOS: "
    "`brew install openjdk@17`) or set JAVA_HOME to one"
)


def java_major_version(output: str) -> int | None:
    """The major release in what ``java -version`` prints (``1.8.0_392`` is 8, ``17.0.15`` 17)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', output)
    if match is None:
        return None
    major = int(match[1])
    return int(match[2] or 0) if major == 1 else major


def java_problem() -> str | None:
    """Why Spark cannot run here, or None when a supported Java is on the PATH or JAVA_HOME."""
    java = shutil.which("java")
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        java = f"{java_home}/bin/java"
    if java is None:
        return f"No Java runtime found, and the Spark target needs one: {INSTALL_HINT}."
    try:
        answer = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except OSError as error:
        return f"Cannot run {java} ({error.strerror}): {INSTALL_HINT}."
    major = java_major_version(answer.stderr + answer.stdout)
    if major not in SUPPORTED_JAVA:
        found = f"Java {major}" if major else "an unknown Java"
        supported = ", ".join(str(version) for version in SUPPORTED_JAVA)
        return f"{java} is {found}; Spark 3.5 runs on Java {supported}: {INSTALL_HINT}."
    return None


def main(argv: list[str]) -> int:
    """Print why Spark cannot run, if it cannot; exit 1 then unless ``--warn`` is given."""
    problem = java_problem()
    if problem is None:
        return 0
    print(("warning: " if "--warn" in argv else "error: ") + problem, file=sys.stderr)
    return 0 if "--warn" in argv else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
