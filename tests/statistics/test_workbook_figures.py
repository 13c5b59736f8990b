"""The summary sheets of the workbook against a scenario whose truth the test knows."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.utils import get_column_letter

from consultation.contributions import themes
from consultation.statistics.workbook import write_workbook
from tests.statistics.workbook_scenario import build_scenario, sheet_rows, wall_clock

SHEETS = ["Chiffres clés", "Contributions", "Par chapitre", "Par section", "Par profil",
          "Chapitre × profil", "Chronologie", "Thèmes", "Réponses"]  # fmt: skip
CITIZEN = "Citoyen ou citoyenne"
INDUSTRY = "Industriel, éditeur de logiciels ou acteur privé (dont start-up)"
USERS = "Représentant ou association de patients et d’usagers"


@pytest.fixture
def scenario(database, clock):
    return build_scenario()


@pytest.fixture
def path(scenario, tmp_path):
    path = tmp_path / "classeur.xlsx"
    write_workbook(scenario.consultation, path)
    return path


def table(path, title: str) -> dict[str, tuple]:
    """The rows of a summary sheet by their first cell, header excluded."""
    return {row[0]: row[1:] for row in sheet_rows(path, title)[1:]}


def test_the_workbook_holds_its_sheets_in_reading_order(path):
    assert load_workbook(path, read_only=True).sheetnames == SHEETS


def test_key_figures_count_every_status_visitors_and_accounts(path):
    key = {label: value for label, (value,) in table(path, "Chiffres clés").items()}

    assert key["Consultation"] == "Doctrine du numérique en santé"
    assert key["Ouverture"] == wall_clock(2026, 2, 10, 10, 0)  # 20 days before 09:00 UTC
    assert key["Visiteurs uniques"] == 200
    assert (key["Comptes créés"], key["Comptes inscrits aux actualités"]) == (4, 1)
    assert (key[f"  dont {CITIZEN}"], key[f"  dont {INDUSTRY}"], key[f"  dont {USERS}"]) == (
        3,
        1,
        0,
    )
    assert key["Contributeurs"] == 5
    assert key["Contributions (tous statuts)"] == 6
    assert (key["  dont en ligne"], key["  dont reçues par courriel"]) == (5, 1)
    assert (key["  dont publiées"], key["  dont en attente de modération"]) == (3, 1)
    assert (key["  dont refusées"], key["  dont masquées"]) == (1, 1)
    assert key["Contributions ayant une réponse publiée"] == 1
    assert key["Part des contributions ayant une réponse"] == pytest.approx(1 / 6)
    assert key["Groupes de contributions quasi identiques"] == 1
    assert (key["Courriels reçus"], key["Courriels publiés"]) == (1, 1)
    assert key["Contributions publiées issues des courriels"] == 1


def test_per_chapter_online_and_by_mail_zeros_kept(path):
    assert table(path, "Par chapitre") == {
        "1. Socle": (3, 0, 3),
        "2. Usages": (2, 1, 3),
        "3. Fin": (0, 0, 0),
    }


def test_per_profile_accounts_beside_contributions(path):
    rows = table(path, "Par profil")

    assert rows[CITIZEN] == (3, 3, 0, 3)
    assert rows[INDUSTRY] == (1, 2, 0, 2)
    assert rows[USERS] == (0, 0, 1, 1)
    assert sum(row[-1] for row in rows.values()) == 6


def test_chapters_by_profile_add_up_to_the_chapters(path):
    header, *rows = sheet_rows(path, "Chapitre × profil")
    columns = {name: index for index, name in enumerate(header)}

    socle, usages, end = rows
    assert (socle[columns[CITIZEN]], socle[columns[INDUSTRY]], socle[-1]) == (2, 1, 3)
    assert (usages[columns[CITIZEN]], usages[columns[USERS]], usages[-1]) == (1, 1, 3)
    assert end[-1] == 0


def test_the_timeline_has_every_week_from_the_opening(path):
    assert table(path, "Chronologie") == {
        wall_clock(2026, 2, 9): (1, 0, 1),
        wall_clock(2026, 2, 16): (0, 1, 1),
        wall_clock(2026, 2, 23): (4, 0, 4),
        wall_clock(2026, 3, 2): (0, 0, 0),
    }


def test_themes_and_answers(path):
    assert table(path, "Thèmes") == {"Sécurité": (2,), "Éthique": (1,)}
    answers = table(path, "Réponses")
    assert answers["Prise en compte"] == (1,)
    assert answers["Sans réponse"] == (5,)
    assert sum(count for (count,) in answers.values()) == 6


def test_every_table_has_its_header_frozen_and_a_filter(path):
    workbook = load_workbook(path)

    for title in SHEETS:
        sheet = workbook[title]
        assert sheet.freeze_panes == "A2", title
        if title != "Chiffres clés":
            assert (
                sheet.auto_filter.ref == f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
            ), title


def test_chapters_profiles_and_weeks_have_native_charts(path):
    workbook = load_workbook(path)

    chapters, profiles, weeks = (workbook[title]._charts for title in
                                 ("Par chapitre", "Par profil", "Chronologie"))  # fmt: skip
    assert [type(chart) for chart in chapters + profiles + weeks] == [
        BarChart, BarChart, LineChart,
    ]  # fmt: skip
    assert len(chapters[0].series) == 2  # online and by mail
    assert len(weeks[0].series) == 3
    reference = chapters[0].series[0].val.numRef.f
    assert reference == "'Par chapitre'!$B$2:$B$4"


def test_titles_and_theme_names_that_look_like_formulas_stay_text(scenario, tmp_path):
    chapter = scenario.contributions[0].chapter
    chapter.title = "=1+1"
    themes.create_theme(scenario.consultation, "@SOMME(A1:A3)")
    path = tmp_path / "classeur.xlsx"

    write_workbook(scenario.consultation, path)

    workbook = load_workbook(path)
    cells = [cell for sheet in workbook for line in sheet.iter_rows() for cell in line]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert workbook["Par chapitre"]["A2"].value == "1. =1+1"
    assert "@SOMME(A1:A3)" in table(path, "Thèmes")
