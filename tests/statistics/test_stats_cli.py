"""`flask stats SLUG` prints the key figures and the contributions per chapter, in French."""

from __future__ import annotations

import pytest

from tests.statistics import figures_scenario


@pytest.fixture
def scenario(database, clock, monkeypatch):
    return figures_scenario.build(clock, monkeypatch)


def test_stats_prints_the_key_figures_and_a_table_per_chapter(cli, scenario):
    result = cli.invoke(args=["stats", scenario.consultation.slug])

    lines = result.output.splitlines()
    first = scenario.chapters[0]
    assert result.exit_code == 0, result.output
    assert lines[0] == f"{scenario.consultation.title} ({scenario.consultation.slug})"
    assert "Visiteurs uniques : 18" in lines
    assert "Comptes créés : 5 (dont 2 abonnés aux actualités)" in lines
    assert "Contributeurs : 6" in lines
    assert "Contributions : 11 (publiées 8, en attente 1, refusées 1, masquées 1)" in lines
    assert "En ligne : 7 ; par courriel : 4" in lines
    assert "Contributions ayant une réponse publiée : 3 (27,3 %)" in lines
    assert "Groupes de contributions quasi identiques : 2" in lines
    header = lines.index("Contributions par chapitre") + 1
    assert lines[header].split() == ["Chapitre", "En", "ligne", "Courriel", "Total"]
    assert lines[header + 1].startswith(f"1. {first.title}")
    assert lines[header + 1].split()[-3:] == ["3", "1", "4"]
    assert lines[-1].split() == ["Total", "7", "4", "11"]


def test_stats_public_shows_what_the_statistics_page_shows(cli, scenario):
    result = cli.invoke(args=["stats", scenario.consultation.slug, "--public"])

    assert result.exit_code == 0, result.output
    assert "Contributions : 8" in result.output.splitlines()
    assert "en attente" not in result.output
    assert result.output.splitlines()[-1].split() == ["Total", "4", "4", "8"]


def test_stats_of_an_unknown_consultation_fails_with_a_french_message(cli, database):
    result = cli.invoke(args=["stats", "inconnue"])

    assert result.exit_code != 0
    assert "Aucune concertation ne porte l’identifiant « inconnue »" in result.output
