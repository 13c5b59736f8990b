"""The open-data page passes axe-core, and a visitor downloads the files from it."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_axe_violations
from tests.statistics.opendata_scenario import cheap_scenario, read_csv

pytestmark = pytest.mark.browser


@pytest.fixture
def data(seed, monkeypatch) -> dict[str, object]:
    def build() -> dict[str, object]:
        scenario = cheap_scenario(monkeypatch)
        return {"slug": scenario.slug, "references": list(scenario.references.values())}

    return seed(build)


def test_the_open_data_page_has_no_accessibility_violation(axe_page: Page, data):
    axe_page.goto(f"/consultations/{data['slug']}")
    axe_page.get_by_role("link", name="Télécharger les données ouvertes").click()

    expect(axe_page.get_by_role("heading", name="Données ouvertes", level=1)).to_be_visible()
    expect(axe_page.get_by_role("table", name="Colonnes des fichiers")).to_be_visible()
    assert_no_axe_violations(axe_page)


def test_a_visitor_downloads_the_csv_and_its_schema(page: Page, data, tmp_path):
    page.goto(f"/consultations/{data['slug']}/donnees-ouvertes")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Contributions et réponses au format CSV").click()
    with page.expect_download() as schema_download:
        page.get_by_role("link", name="Description des colonnes (Table Schema)").click()

    assert csv_download.value.suggested_filename == f"contributions-{data['slug']}.csv"
    rows = read_csv(_saved(csv_download.value, tmp_path).read_bytes())
    assert [row["reference"] for row in rows] == data["references"]
    descriptor = json.loads(_saved(schema_download.value, tmp_path).read_text(encoding="utf-8"))
    assert [field["name"] for field in descriptor["fields"]] == list(rows[0])


def _saved(download, folder):
    path = folder / download.suggested_filename
    download.save_as(path)
    return path
