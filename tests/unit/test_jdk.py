"""Which JDK runs which engine version: JAVA_HOME first, then the oldest new-enough JDK."""

from __future__ import annotations

from pathlib import Path

import pytest

from talent_search.jdk import JdkNotFound, find_jdk, java_feature, required_java


def fake_jdk(parent: Path, name: str, version: str) -> Path:
    home = parent / name
    (home / "bin").mkdir(parents=True)
    for tool in ("java", "javac"):
        (home / "bin" / tool).write_text("#!/bin/sh\n")
    (home / "release").write_text(f'IMPLEMENTOR="test"\nJAVA_VERSION="{version}"\n')
    return home


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `java` on PATH
    jvms = tmp_path / "jvm"
    fake_jdk(jvms, "java-17", "17.0.15")
    fake_jdk(jvms, "temurin-25", "25.0.1")
    fake_jdk(jvms, "java-8", "1.8.0_402")
    return jvms


def test_each_version_gets_the_oldest_jdk_that_is_new_enough(machine: Path) -> None:
    assert find_jdk(required_java("2.19.1"), [machine]) == machine / "java-17"
    assert find_jdk(required_java("3.5.0"), [machine]) == machine / "temurin-25"


def test_java_home_wins_when_new_enough_and_is_passed_over_when_not(
    machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = fake_jdk(tmp_path / "own", "jdk-21", "21.0.2")
    monkeypatch.setenv("JAVA_HOME", str(own))
    assert find_jdk(21, [machine]) == own
    assert find_jdk(17, [machine]) == own
    monkeypatch.setenv("JAVA_HOME", str(machine / "java-17"))
    assert find_jdk(21, [machine]) == machine / "temurin-25"


def test_a_missing_jdk_says_what_to_install(machine: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAVA_HOME", str(machine / "java-17"))
    with pytest.raises(JdkNotFound) as caught:
        find_jdk(26, [machine])
    message = str(caught.value)
    assert "a JDK 26 or newer" in message
    assert "JAVA_HOME=" in message and "(Java 17)" in message and "(Java 25)" in message
    assert "openjdk-26-jdk" in message


def test_a_runtime_without_javac_or_a_release_file_is_not_a_jdk(tmp_path: Path) -> None:
    jre = fake_jdk(tmp_path, "jre", "21.0.1")
    (jre / "bin" / "javac").unlink()
    assert java_feature(jre) is None
    assert java_feature(fake_jdk(tmp_path, "old", "1.8.0")) == 8
    assert java_feature(tmp_path / "nothing") is None
