"""Open data through `flask export opendata`: exactly the published, nothing private."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from consultation.accounts.models import DELETED_ACCOUNT_LABEL
from consultation.core.audit import AuditEvent
from consultation.extensions import db
from consultation.moderation.redaction import PLACEHOLDER
from consultation.statistics import opendata
from tests.statistics.opendata_scenario import (
    ANSWER,
    EDITED_ANSWER,
    FORMULA,
    MAIL_ANSWER,
    PRIVATE_TEXTS,
    Scenario,
    by_reference,
    cheap_scenario,
    read_csv,
    read_json,
    run_export,
)


@pytest.fixture
def scenario(database, clock, monkeypatch) -> Scenario:
    return cheap_scenario(monkeypatch)


@pytest.fixture
def export(cli, tmp_path):
    """The bytes that `flask export opendata` writes."""

    def run(slug: str, file_format: str, name: str = "sortie") -> bytes:
        return run_export(cli, slug, file_format, tmp_path / f"{name}.{file_format}")

    return run


def test_the_csv_holds_exactly_the_published_contributions_of_public_chapters(scenario, export):
    rows = read_csv(export(scenario.slug, "csv"))

    assert [row["reference"] for row in rows] == list(scenario.references.values())
    assert {row["consultation"] for row in rows} == {scenario.slug}
    assert {row["chapitre_titre"] for row in rows} == {"Socle commun"}


def test_only_published_answers_come_out_with_their_dates_and_disposition(scenario, export):
    rows = by_reference(read_csv(export(scenario.slug, "csv")))
    named, formula = rows[scenario.references["named"]], rows[scenario.references["formula"]]
    mail = rows[scenario.references["mail"]]

    assert (named["reponse_suite"], named["reponse_texte"]) == (
        "Partiellement prise en compte",
        EDITED_ANSWER,
    )
    assert named["reponse_date_publication"] == "2026-03-02T13:00:00+01:00"
    assert named["reponse_date_modification"] == "2026-03-03T13:00:00+01:00"
    assert (mail["reponse_suite"], mail["reponse_texte"]) == ("Hors périmètre", MAIL_ANSWER)
    assert mail["reponse_date_modification"] == ""
    assert [formula[name] for name in ("reponse_suite", "reponse_texte")] == ["", ""]


def test_nothing_private_leaves_in_either_format(scenario, export):
    for file_format in ("csv", "json"):
        text = export(scenario.slug, file_format).decode("utf-8")

        for private in (*PRIVATE_TEXTS, ANSWER, *scenario.emails, "exemple.fr", "@exemple"):
            assert private.lower() not in text.lower(), (file_format, private)


def test_no_column_holds_an_account_id(scenario, export):
    rows = read_json(export(scenario.slug, "json"))
    ids = {str(user_id) for user_id in scenario.user_ids}

    for row in rows:
        numbers = {name for name, value in row.items() if isinstance(value, int)}
        assert numbers == {"chapitre_numero"}
        assert not {str(value) for name, value in row.items() if name not in numbers} & ids


def test_the_author_is_named_only_with_their_consent(scenario, export):
    rows = by_reference(read_csv(export(scenario.slug, "csv")))
    label = {role: rows[reference]["auteur"] for role, reference in scenario.references.items()}

    assert label["named"] == "Alice Martin"
    assert label["redacted"] == scenario.pseudonym_of_bob
    assert label["mail"] == "Collectif Patients"
    assert label["deleted"] == DELETED_ACCOUNT_LABEL


def test_a_redacted_text_comes_out_as_published(scenario, export):
    rows = by_reference(read_json(export(scenario.slug, "json")))
    text = rows[scenario.references["redacted"]]["texte"]

    assert text == f"Je suis suivi pour un diabète, appelez-moi au {PLACEHOLDER} pour en parler."


def test_pseudonymous_ids_are_stable_across_formats_and_runs(scenario, export):
    runs = [
        read_csv(export(scenario.slug, "csv", "premier")),
        read_json(export(scenario.slug, "json")),
        read_csv(export(scenario.slug, "csv", "second")),
    ]

    ids = [{row["reference"]: row["auteur_pseudonyme"] or "" for row in rows} for rows in runs]
    assert ids[0] == ids[1] == ids[2]
    # Alice on the web, Bob, the collective's address, Alice's address, and "" for Carol.
    assert len(set(ids[0].values())) == 5


def test_pseudonymous_ids_tell_authors_apart_and_join_one_senders_mails(scenario, export):
    rows = by_reference(read_csv(export(scenario.slug, "csv")))
    references = scenario.references.items()
    ids = {role: rows[reference]["auteur_pseudonyme"] for role, reference in references}

    assert ids["named"] == ids["formula"]
    assert ids["mail"] == ids["mail_again"]
    assert len({ids["named"], ids["redacted"], ids["mail"], ids["mail_from_alice"]}) == 4
    assert all(len(ids[role]) == 16 for role in ("named", "redacted", "mail", "mail_from_alice"))
    assert ids["deleted"] == ""


def test_the_pseudonymous_key_can_be_set_apart_from_the_secret_key(scenario, export, app):
    before = read_csv(export(scenario.slug, "csv", "avant"))
    app.config["OPENDATA_PSEUDONYM_KEY"] = "une autre clé"
    try:
        after = read_csv(export(scenario.slug, "csv", "apres"))
    finally:
        del app.config["OPENDATA_PSEUDONYM_KEY"]

    assert before[0]["auteur_pseudonyme"] != after[0]["auteur_pseudonyme"]


def test_columns_carry_dates_with_offset_themes_groups_and_links(scenario, export):
    rows = by_reference(read_json(export(scenario.slug, "json")))
    named = rows[scenario.references["named"]]
    references = scenario.references

    assert named["date_publication"] == "2026-03-02T10:00:00+01:00"
    assert named["themes"] == ["Sécurité", "Éthique"]
    assert named["chapitre_numero"] == 1
    assert named["canal"] == "En ligne"
    assert named["profil"] == "Industriel, éditeur de logiciels ou acteur privé (dont start-up)"
    assert named["organisation"] == "Acme Santé"
    assert named["url"] == f"http://concertation.test/contributions/{references['named']}"
    assert rows[references["mail"]]["canal"] == "Reçue par courriel"
    assert rows[references["mail"]]["groupe_doublons"] == references["mail"]
    assert rows[references["mail_again"]]["groupe_doublons"] == references["mail"]
    assert rows[references["redacted"]]["groupe_doublons"] is None
    assert rows[references["formula"]]["section_ancre"] == "1-1"


def test_a_formula_like_text_stays_as_it_was_written_in_the_csv(scenario, export):
    rows = by_reference(read_csv(export(scenario.slug, "csv")))

    assert rows[scenario.references["formula"]]["texte"] == FORMULA


def test_the_json_file_is_one_array_with_an_object_per_line(scenario, export):
    lines = export(scenario.slug, "json").decode("utf-8").splitlines()

    assert lines[0] == "[" and lines[-1] == "]"
    assert len(lines) == len(scenario.references) + 2
    assert all(json.loads(line.rstrip(",")) for line in lines[1:-1])


def test_the_command_writes_the_schema_and_records_the_export(scenario, cli, tmp_path):
    out, schema = tmp_path / "c.csv", tmp_path / "schema.json"

    result = cli.invoke(args=["export", "opendata", scenario.slug, "--out", str(out),
                              "--schema", str(schema)])  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "7 contribution(s) publiée(s)" in result.output
    descriptor = json.loads(schema.read_text(encoding="utf-8"))
    assert descriptor["licenses"][0]["title"] == "Licence Ouverte 2.0"
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "consultation.export_opendata")
    )
    assert event.after == {"format": "csv", "contributions": 7}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["inconnue", "--format", "csv"], "Aucune consultation ne porte l’identifiant"),
        (["{slug}", "--format", "xml"], "Format inconnu « xml » : csv ou json."),
    ],
)
def test_the_command_refuses_in_french_and_writes_nothing(
    scenario, cli, tmp_path, arguments, message
):
    out = tmp_path / "sortie"
    arguments = [argument.format(slug=scenario.slug) for argument in arguments]

    result = cli.invoke(args=["export", "opendata", *arguments, "--out", str(out)])

    assert result.exit_code != 0
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_consultation_with_nothing_published_has_no_open_data(
    cli, make_consultation, make_batch, tmp_path
):
    consultation = make_consultation()
    make_batch(consultation, publish_in=timedelta(days=3))
    out = tmp_path / "sortie.csv"

    result = cli.invoke(args=["export", "opendata", consultation.slug, "--out", str(out)])

    assert result.exit_code == 1
    assert "n’a encore rien publié" in result.output
    assert not out.exists()


def test_a_file_that_fails_midway_leaves_the_previous_one_whole(
    scenario, cli, tmp_path, monkeypatch
):
    out = tmp_path / "sortie.csv"
    out.write_text("ancien fichier", encoding="utf-8")

    def broken(*_args, **_kwargs):
        yield []
        raise RuntimeError("la base ne répond plus")

    monkeypatch.setattr(opendata, "public_records", broken)

    result = cli.invoke(args=["export", "opendata", scenario.slug, "--out", str(out)])

    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "ancien fichier"
    assert sorted(path.name for path in Path(tmp_path).iterdir()) == ["sortie.csv"]
