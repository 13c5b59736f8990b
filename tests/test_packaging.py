"""What a fresh clone installs is pinned, and the State design system's terms are accepted."""

from __future__ import annotations

import json
import re

from consultation.config import ROOT


def test_python_requirements_are_pinned_to_exact_versions():
    lines = [
        line.strip()
        for name in ("requirements.txt", "requirements-test.txt")
        for line in (ROOT / name).read_text().splitlines()
        if line.strip() and not line.startswith(("#", "-r"))
    ]

    unpinned = [line for line in lines if not re.fullmatch(r"[\w.\-\[\]]+==[\w.]+", line)]

    assert lines
    assert unpinned == []


def test_npm_packages_are_pinned_to_exact_versions():
    package = json.loads((ROOT / "package.json").read_text())
    versions = {**package["dependencies"], **package["devDependencies"]}

    unpinned = {name: v for name, v in versions.items() if not re.fullmatch(r"\d+\.\d+\.\d+", v)}

    assert "@gouvfr/dsfr" in versions
    assert unpinned == {}


def test_dsfr_terms_accepted_are_those_of_the_installed_version():
    terms = (ROOT / "node_modules/@gouvfr/dsfr/doc/legal/cgu.md").read_text()
    consent = (ROOT / ".dsfr.yml").read_text()

    installed = re.search(r"^cguVersion:\s*'?([\w.]+)'?", terms, re.MULTILINE)
    accepted = re.search(r"^accept-license:\s*([\w.]+)", consent, re.MULTILINE)

    assert installed and accepted
    assert accepted.group(1) == installed.group(1)
