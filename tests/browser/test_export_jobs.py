"""An analyst asks for the synthesis workbook in the browser, follows it and downloads it."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from consultation.statistics import jobs
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in
from tests.statistics.workbook_scenario import build_scenario

pytestmark = pytest.mark.browser


@pytest.fixture
def exports_dir(app, tmp_path, monkeypatch):
    """Where the live server writes the workbooks: never the repository's exports/."""
    monkeypatch.setitem(app.config, "EXPORTS_DIR", str(tmp_path / "exports"))
    return tmp_path / "exports"


def build(running: bool = False) -> dict[str, str]:
    """The known scenario, and a workbook a quarter made when `running`."""
    scenario = build_scenario()
    analyst = factories.make_user(role="analyst")
    if running:
        job, _ = jobs.request_export(scenario.consultation, analyst)
        job.status, job.rows_done, job.rows_total = "running", 2000, 8000
    return {"slug": scenario.consultation.slug, "analyst": analyst.email}


def test_an_analyst_makes_and_downloads_the_workbook(axe_page: Page, seed, exports_dir):
    data = seed(build)
    sign_in(axe_page, data["analyst"], then=f"/analyse/{data['slug']}/exports")
    expect(axe_page.get_by_text("Aucun classeur n’a encore été demandé")).to_be_visible()
    assert_no_axe_violations(axe_page)

    axe_page.get_by_role("button", name="Générer le classeur de synthèse").click()

    expect(axe_page.get_by_role("status")).to_contain_text("Le classeur est en préparation")
    expect(axe_page.get_by_text("Prêt", exact=True)).to_be_visible()
    expect(axe_page.get_by_text("6 contributions")).to_be_visible()
    assert_no_axe_violations(axe_page)
    with axe_page.expect_download() as download_info:
        axe_page.get_by_role("link", name="Télécharger le classeur").click()
    download = download_info.value
    assert download.suggested_filename == f"synthese-{data['slug']}-2026-03-02.xlsx"
    download.save_as(exports_dir.parent / download.suggested_filename)
    workbook = load_workbook(exports_dir.parent / download.suggested_filename, read_only=True)
    assert "Contributions" in workbook.sheetnames


def test_a_workbook_being_made_shows_its_progress_accessibly(axe_page: Page, seed, exports_dir):
    data = seed(lambda: build(running=True))
    sign_in(axe_page, data["analyst"], then=f"/analyse/{data['slug']}/exports?suivi=non")

    expect(axe_page.get_by_text("2\u202f000 sur 8\u202f000 contributions")).to_be_visible()
    progress = axe_page.get_by_label("Avancement du classeur demandé le")
    expect(progress).to_have_attribute("value", "25")
    expect(axe_page.get_by_role("link", name="Actualiser l’avancement")).to_be_visible()
    assert_no_axe_violations(axe_page)
