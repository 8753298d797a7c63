"""layers/cart_core/requirements.txt pins every package the layer installs, transitive ones too, at
the versions the tests run with, and leaves boto3/botocore to the Lambda runtime."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement

REQUIREMENTS = Path(__file__).resolve().parents[2] / "layers" / "cart_core" / "requirements.txt"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"not pinned with ==: {line}"
            pins[_canonical(name)] = version.strip()
    return pins


def test_every_dependency_of_a_pinned_package_is_pinned_too() -> None:
    # Given the layer's pins
    pins = _pins()
    # When each pinned package's own requirements are read (no extras; markers for this Python)
    unpinned = set()
    for name in pins:
        for text in distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            if _canonical(requirement.name) not in pins:
                unpinned.add(f"{requirement.name} (needed by {name})")
    # Then none is missing from the file
    assert not unpinned, sorted(unpinned)


def test_the_pins_are_the_versions_the_tests_run_with() -> None:
    wrong = {}
    for name, version in _pins().items():
        try:
            installed = distribution(name).version
        except PackageNotFoundError:
            installed = "not installed"
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, wrong


def test_boto3_comes_from_the_lambda_runtime() -> None:
    assert not {"boto3", "botocore", "s3transfer"} & set(_pins())
