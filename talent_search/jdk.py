"""Which JDK runs a version of the real engine: OpenSearch 3.x needs Java 21, 2.19 Java 17.

Looked for in this order: `JAVA_HOME`, then the JDKs installed on the machine (the usual
directories and the `java` on PATH). A full JDK, not a runtime: Maven compiles the launcher. Of
the machine's JDKs the oldest new enough wins, so a version keeps the Java it was proven on. A
JDK's feature version is read from its `release` file, without starting a JVM.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from talent_search.errors import CliError

# The Java each supported engine version needs (its minimum feature release).
JAVA_FOR_VERSION = {"3.5.0": 21, "2.19.1": 17}
JDK_DIRS = (Path("/usr/lib/jvm"), Path("/usr/local/lib/jvm"), Path("/opt/java"))


class JdkNotFound(CliError, RuntimeError):
    """No JDK on this machine is new enough for the engine version asked for."""


def required_java(version: str) -> int:
    return JAVA_FOR_VERSION[version]


def java_feature(home: Path) -> int | None:
    """The feature release (17, 21, 25) of the JDK at `home`, or None if it is not a JDK."""
    if not (home / "bin" / "java").is_file() or not (home / "bin" / "javac").is_file():
        return None
    try:
        release = (home / "release").read_text(errors="replace")
    except OSError:
        return None
    found = re.search(r'^JAVA_VERSION="(\d+)(?:\.(\d+))?', release, re.MULTILINE)
    if found is None:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8


def machine_jdks(dirs: Iterable[Path] = JDK_DIRS) -> list[Path]:
    """Every JDK home found on the machine (not JAVA_HOME), in no particular order."""
    homes: list[Path] = []
    for parent in dirs:
        if parent.is_dir():
            homes += sorted(p.resolve() for p in parent.iterdir() if p.is_dir())
    on_path = shutil.which("java")
    if on_path is not None:
        homes.append(Path(on_path).resolve().parents[1])
    return list(dict.fromkeys(homes))


def find_jdk(minimum: int, dirs: Iterable[Path] = JDK_DIRS) -> Path:
    """The JDK home to run with: JAVA_HOME if new enough, else the oldest new-enough JDK."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (java_feature(Path(java_home)) or 0) >= minimum:
        return Path(java_home)
    found = [(java_feature(h), h) for h in machine_jdks(dirs)]
    usable = sorted((v, str(h)) for v, h in found if v is not None and v >= minimum)
    if usable:
        return Path(usable[0][1])
    seen = ", ".join(f"{h} (Java {v})" for v, h in found if v is not None) or "none"
    if java_home:
        seen = f"JAVA_HOME={java_home} (Java {java_feature(Path(java_home)) or '?'}), {seen}"
    raise JdkNotFound(
        f"a JDK {minimum} or newer (found: {seen}); install one, e.g. `apt-get install "
        f"openjdk-{minimum}-jdk` or Temurin {minimum} (a JDK: Maven compiles the launcher), "
        "and set JAVA_HOME to it"
    )
