"""The public open-data page and its downloads, through the test client."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consultation.statistics.opendata_schema import COLUMNS
from tests.statistics.opendata_scenario import (
    PRIVATE_TEXTS,
    Scenario,
    cheap_scenario,
    read_csv,
    read_json,
    run_export,
)

LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


@pytest.fixture
def scenario(database, clock, monkeypatch) -> Scenario:
    return cheap_scenario(monkeypatch)


def page_url(slug: str) -> str:
    return f"/consultations/{slug}/donnees-ouvertes"


def test_the_page_tells_what_the_files_hold_and_their_licence(client, scenario):
    response = client.get(page_url(scenario.slug))

    assert response.status_code == 200
    assert "<h1>Données ouvertes</h1>" in response.text
    assert f'href="{LICENCE_URL}"' in response.text
    assert "Licence Ouverte 2.0" in response.text
    assert "7 contributions à ce jour" in response.text
    assert all(f"<code>{column.name}</code>" in response.text for column in COLUMNS)
    for name in ("contributions.csv", "contributions.json", "schema.json"):
        assert f'href="{page_url(scenario.slug)}/{name}"' in response.text


def test_the_page_shows_no_contribution_text_so_a_script_in_one_stays_inert(client, scenario):
    response = client.get(page_url(scenario.slug))

    assert "<script>alert" not in response.text
    assert "HYPERLINK" not in response.text
    assert not any(private in response.text for private in PRIVATE_TEXTS[:5])


def test_the_consultation_page_links_to_its_open_data(client, scenario):
    response = client.get(f"/consultations/{scenario.slug}")

    assert f'href="{page_url(scenario.slug)}"' in response.text


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("csv", "text/csv; charset=utf-8"), ("json", "application/json; charset=utf-8")],
)
def test_a_download_streams_the_same_file_as_the_command(
    client, cli, tmp_path, scenario, name, media_type
):
    expected = run_export(cli, scenario.slug, name, tmp_path / f"attendu.{name}")

    response = client.get(f"{page_url(scenario.slug)}/contributions.{name}")

    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == media_type
    disposition = f"attachment; filename=contributions-{scenario.slug}.{name}"
    assert response.headers["Content-Disposition"] == disposition
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.data == expected


def test_the_downloads_hold_the_published_contributions_only(client, scenario):
    base = page_url(scenario.slug)

    rows = read_csv(client.get(f"{base}/contributions.csv").data)
    objects = read_json(client.get(f"{base}/contributions.json").data)

    published = list(scenario.references.values())
    assert [row["reference"] for row in rows] == [row["reference"] for row in objects] == published


def test_the_schema_download_describes_every_column(client, scenario):
    response = client.get(f"{page_url(scenario.slug)}/schema.json")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=schema-")
    descriptor = response.json
    assert [field["name"] for field in descriptor["fields"]] == [c.name for c in COLUMNS]
    assert descriptor["homepage"] == f"http://concertation.test{page_url(scenario.slug)}"


@pytest.mark.parametrize(
    "suffix", ["", "/contributions.csv", "/contributions.json", "/schema.json"]
)
def test_a_consultation_with_nothing_published_has_no_open_data(
    client, make_consultation, make_batch, suffix
):
    consultation = make_consultation(opens_in=timedelta(days=5))
    make_batch(consultation, publish_in=timedelta(days=5))

    response = client.get(page_url(consultation.slug) + suffix)

    assert response.status_code == 404
    assert "donnees-ouvertes" not in client.get(f"/consultations/{consultation.slug}").text


@pytest.mark.parametrize(
    "path",
    [
        "/consultations/inconnue/donnees-ouvertes",
        "/consultations/inconnue/donnees-ouvertes/contributions.csv",
        "/consultations/{slug}/donnees-ouvertes/contributions.xml",
    ],
)
def test_an_unknown_consultation_or_format_is_not_found(client, scenario, path):
    response = client.get(path.format(slug=scenario.slug))

    assert response.status_code == 404
