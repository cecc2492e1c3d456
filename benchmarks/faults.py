"""The fault table: runs every fault test (marker `fault`) and prints what each one observed.

    .venv/bin/python benchmarks/faults.py

Each row is an integration test against the embedded server (tests/integration/test_faults.py
and the bulk 429 test in tests/integration/test_indexing_run.py); it passes only if the expected
behaviour held, and it records what it measured (latencies, counts, recovery time) in the JUnit
XML read here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {
    "backend down at API start": "API starts; /readyz false; searches 503 + Retry-After",
    "backend dies mid-run, then returns": "every request answers within its timeout; recovers "
    "by itself within 5 s",
    "backend slower than the timeout": "504",
    "rebuild under search load (8 clients)": "zero failed or empty searches across the swap",
    "indexer killed (SIGKILL) mid-rebuild": "alias keeps the previous complete index; a rerun "
    "ends as a clean run; partial indices cleaned",
    "bulk 429 from the backend": "retried with backoff; nothing lost (reconciled counts)",
}


def main() -> int:
    report = Path(tempfile.mkdtemp(prefix="ts-faults-")) / "faults.xml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-m",
            "fault",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "junit_family=xunit1",
            f"--junitxml={report}",
            "tests/integration/test_faults.py",
            "tests/integration/test_indexing_run.py",
        ],
        cwd=ROOT,
        env=os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
        capture_output=True,
        text=True,
    )
    table = Table("fault", "expected", "result", "observed", title="Faults (embedded backend)")
    for case in ET.parse(report).getroot().iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        if "fault" not in props:
            continue
        failed = case.find("failure") is not None or case.find("error") is not None
        table.add_row(
            props["fault"],
            EXPECTED.get(props["fault"] or "", ""),
            "[red]FAILED[/]" if failed else "[green]held[/]",
            props.get("observed", "(failed before recording)"),
        )
    Console(width=200).print(table)
    if result.returncode != 0:
        print(result.stdout[-3000:])
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
