"""Answers imported from a workbook: every row checked first, nothing written if one is refused."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from consultation.contributions.models import Status
from consultation.core.audit import AuditEvent
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from consultation.moderation import answer_import, answers
from consultation.moderation.models import Answer, AnswerStatus, Disposition
from tests import factories

URL = "/moderation/reponses/import"
HEADERS = ("Référence", "Disposition", "Réponse")


def workbook(tmp_path, rows, headers=HEADERS, name="reponses.xlsx"):
    """An .xlsx file with a header row and the given rows, as analysts would send it."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / name
    book.save(path)
    return path


def upload(client, path, button="run", **options):
    data = {"workbook": (BytesIO(path.read_bytes()), path.name), button: "1", **options}
    return client.post(URL, data=data, content_type="multipart/form-data")


def answer_count() -> int:
    return db.session.scalar(select(func.count(Answer.id)))


def events(prefix: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def answered_mails() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == "contribution_answered")
    return list(db.session.scalars(query))


@pytest.fixture
def contributions(make_chapter):
    chapter = make_chapter()
    return [factories.make_contribution(chapter) for _ in range(3)]


@pytest.mark.parametrize("role", ["contributor", "analyst"])
def test_only_moderators_may_import_answers(client, login, tmp_path, contributions, role):
    path = workbook(tmp_path, [(contributions[0].reference, "Prise en compte", "Oui.")])
    login(role=role)

    page = client.get(URL)
    sent = upload(client, path)

    assert [page.status_code, sent.status_code] == [403, 403]
    assert answer_count() == 0


def test_a_valid_workbook_saves_drafts_by_default_and_records_the_import(
    client, login, tmp_path, contributions
):
    rows = [
        (contributions[0].reference, "Prise en compte", "Reprise au chapitre 2."),
        (contributions[1].reference, "partiellement PRISE en compte ", "En partie."),
        (contributions[2].reference, "not_retained", "Non retenue, car hors délai."),
    ]
    path = workbook(tmp_path, rows, headers=(" reference", "DISPOSITION", "réponse"))
    login(role="moderator")

    response = upload(client, path)

    saved = [answers.answer_of(contribution) for contribution in contributions]
    assert response.status_code == 302
    assert [answer.disposition for answer in saved] == [
        Disposition.TAKEN_INTO_ACCOUNT,
        Disposition.PARTLY_TAKEN,
        Disposition.NOT_RETAINED,
    ]
    assert {answer.status for answer in saved} == {AnswerStatus.DRAFT}
    assert answered_mails() == []
    *drafts, summary = events("answer.")
    assert [event.action for event in drafts] == ["answer.draft"] * 3
    assert (summary.action, summary.object_label) == ("answer.import", "reponses.xlsx")
    assert summary.after["row_count"] == 3 and summary.after["draft_count"] == 3
    assert "Classeur importé : 0 réponse publiée, 3 brouillons enregistrés." in (
        client.get(URL).text
    )


def test_publishing_tells_authors_and_the_publier_column_decides_per_row(
    client, login, tmp_path, contributions
):
    first, second, third = contributions
    rows = [
        (first.reference, "Prise en compte", "Publiée.", "oui"),
        (second.reference, "Pour information", "Gardée en brouillon.", "non"),
        (third.reference, "Hors périmètre", "Publiée par défaut.", ""),
    ]
    path = workbook(tmp_path, rows, headers=(*HEADERS, "Publier"))
    login(role="moderator")

    response = upload(client, path, mode="publish")

    assert response.status_code == 302
    assert [answers.answer_of(c).status for c in contributions] == [
        AnswerStatus.PUBLISHED,
        AnswerStatus.DRAFT,
        AnswerStatus.PUBLISHED,
    ]
    assert sorted(m.to_address for m in answered_mails()) == sorted(
        [first.author.email, third.author.email]
    )


def test_every_refused_row_is_reported_and_nothing_is_written(
    client, login, tmp_path, make_chapter
):
    chapter = make_chapter()
    good, pending = (
        factories.make_contribution(chapter),
        factories.make_contribution(chapter, status=Status.PENDING),
    )
    extra = [factories.make_contribution(chapter) for _ in range(5)]
    rows = [
        (good.reference, "Prise en compte", "Une bonne ligne."),
        ("NOPE-0001", "Prise en compte", "Référence inconnue."),
        (pending.reference, "Prise en compte", "Pas encore publiée."),
        (extra[0].reference, "Adoptée", "Disposition inconnue."),
        (extra[1].reference, "Non retenue", ""),
        (extra[2].reference, "Non retenue", "x" * 20_001),
        (good.reference, "Non retenue", "Deux fois la même."),
        (extra[3].reference, "Non retenue", '=HYPERLINK("http://x")'),
        (extra[4].reference, "Non retenue", "=1+1"),
    ]
    path = workbook(tmp_path, rows)
    login(role="moderator")

    response = upload(client, path, mode="publish")

    page = response.text
    assert response.status_code == 422
    assert "Classeur refusé : rien n’a été enregistré" in page
    assert "8 lignes refusées sur 9" in page
    for row_number, message in [
        (3, "Référence inconnue"),
        (4, "Seule une contribution publiée peut recevoir une réponse publiée."),
        (5, "Disposition inconnue « Adoptée »"),
        (6, "Réponse vide"),
        (7, "La réponse doit compter au plus 20\u202f000 caractères."),
        (8, "Référence déjà présente ligne 2"),
        (9, "Formule refusée dans la colonne « Réponse »"),
        (10, "Formule refusée dans la colonne « Réponse »"),
    ]:
        assert f'<th scope="row">{row_number}</th>' in page
        assert message in page
    assert "<caption>Lignes refusées du classeur</caption>" in page
    assert answer_count() == 0
    assert events("answer.") == []


def test_a_published_answer_is_replaced_only_when_asked(client, login, tmp_path, contributions):
    answered = contributions[0]
    moderator = factories.make_user(role="moderator")
    answers.publish(answered, answers.AnswerText("Ancienne.", Disposition.NOT_RETAINED), moderator)
    path = workbook(tmp_path, [(answered.reference, "Prise en compte", "Nouvelle.")])
    login(role="moderator")

    refused = upload(client, path, mode="publish")
    replaced = upload(client, path, mode="publish", replace="y")

    assert refused.status_code == 422
    assert "Elle a déjà une réponse publiée différente" in refused.text
    assert replaced.status_code == 302
    answer = answers.answer_of(answered)
    assert answer.body == "Nouvelle."
    assert [revision.body for revision in answer.revisions] == ["Ancienne."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Reference;Disposition;Reponse\n", "n’est pas un classeur Excel (.xlsx) lisible"),
        (b"PK\x03\x04 not really a zip", "n’est pas un classeur Excel (.xlsx) lisible"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(client, login, tmp_path, content, message):
    path = tmp_path / "reponses.xlsx"
    path.write_bytes(content)
    login(role="moderator")

    response = upload(client, path)

    assert response.status_code == 422
    assert message in response.text
    assert 'aria-describedby="workbook-hint workbook-messages"' in response.text


def test_a_workbook_without_the_columns_says_which_are_missing(client, login, tmp_path):
    path = workbook(tmp_path, [("X", "Y")], headers=("Référence", "Avis"))
    login(role="moderator")

    response = upload(client, path)

    assert response.status_code == 422
    assert "Colonnes introuvables dans la première ligne : « Disposition », « Réponse »" in (
        response.text
    )


def test_a_file_too_big_or_with_too_many_rows_is_refused(client, login, tmp_path, monkeypatch):
    big = tmp_path / "gros.xlsx"
    big.write_bytes(b"0" * (answer_import.MAX_FILE_BYTES + 1))
    monkeypatch.setattr(answer_import, "MAX_ROWS", 3)
    long = workbook(tmp_path, [(f"REF-{n}", "Non retenue", "Texte") for n in range(4)])
    login(role="moderator")

    too_big = upload(client, big)
    too_long = upload(client, long)

    assert too_big.status_code == too_long.status_code == 422
    assert "Le classeur dépasse la taille maximale de 5 Mo." in too_big.text
    assert "Le classeur compte plus de 3 réponses" in too_long.text


def test_checking_a_valid_workbook_writes_nothing(client, login, tmp_path, contributions):
    path = workbook(tmp_path, [(contributions[0].reference, "Prise en compte", "Reprise.")])
    login(role="moderator")

    response = upload(client, path, button="check", mode="publish")

    assert response.status_code == 200
    assert "Le classeur est valide" in response.text
    assert "1 ligne : 1 réponse à publier, 0 brouillon." in response.text
    assert answer_count() == 0 and events("answer.") == []


def test_the_command_imports_a_valid_workbook_and_publishes_when_asked(
    cli, tmp_path, contributions
):
    path = workbook(tmp_path, [(c.reference, "Prise en compte", "Reprise.") for c in contributions])

    dry = cli.invoke(args=["answers", "import", str(path), "--publish", "--dry-run"])
    written_before = answer_count()
    result = cli.invoke(args=["answers", "import", str(path), "--publish"])

    assert dry.exit_code == 0, dry.output
    assert "rien n’a été écrit" in dry.output and written_before == 0
    assert result.exit_code == 0, result.output
    assert "3 réponse(s) publiée(s)" in result.output
    assert {answers.answer_of(c).status for c in contributions} == {AnswerStatus.PUBLISHED}
    summary = events("answer.import")[0]
    assert summary.actor_label == "ligne de commande"
    assert summary.after["file"] == "reponses.xlsx"


def test_the_command_prints_the_report_and_exits_with_an_error(cli, tmp_path, contributions):
    rows = [(contributions[0].reference, "Prise en compte", "Bien."), ("NOPE", "Peut-être", "")]
    path = workbook(tmp_path, rows)
    not_a_workbook = tmp_path / "texte.xlsx"
    not_a_workbook.write_text("bonjour")

    result = cli.invoke(args=["answers", "import", str(path)])
    unreadable = cli.invoke(args=["answers", "import", str(not_a_workbook)])

    assert result.exit_code == unreadable.exit_code == 1
    assert "1 ligne refusée sur 2" in result.output
    assert "Ligne 3 (NOPE) : Référence inconnue" in result.output
    assert "Ligne 3 (NOPE) : Disposition inconnue « Peut-être »" in result.output
    assert "Ligne 3 (NOPE) : Réponse vide" in result.output
    assert "n’est pas un classeur Excel" in unreadable.output
    assert answer_count() == 0


def test_the_template_lists_unanswered_contributions_as_text_and_round_trips(
    client, login, tmp_path, make_chapter
):
    chapter = make_chapter(title="Socle")
    hostile = factories.make_contribution(chapter, body='=HYPERLINK("http://x","clic") avis')
    plain = factories.make_contribution(chapter, section_anchor="1-1", section_title="1.1 Id")
    answered = factories.make_contribution(chapter)
    factories.make_contribution(chapter, status=Status.PENDING)
    moderator = factories.make_user(role="moderator")
    answers.publish(answered, answers.AnswerText("Déjà.", Disposition.NOT_RETAINED), moderator)
    login(role="analyst")

    download = client.get(
        f"/moderation/reponses/modele.xlsx?concertation={chapter.consultation.id}"
    )
    sheet = load_workbook(BytesIO(download.data)).active
    rows = list(sheet.iter_rows(values_only=True))

    assert download.status_code == 200
    assert rows[0] == (
        "Référence", "Chapitre", "Section", "Extrait de la contribution",
        "Disposition", "Réponse", "Publier",
    )  # fmt: skip
    assert [row[0] for row in rows[1:]] == [hostile.reference, plain.reference]
    assert rows[1][1:4] == ("1. Socle", "Ensemble du chapitre", hostile.body)
    assert sheet["D2"].data_type == "s"
    assert rows[2][2] == "1.1 Id"
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert f'"{",".join(d.label for d in Disposition)}"' in lists

    sheet["E2"], sheet["F2"] = "Prise en compte", "Reprise au chapitre 1."
    sheet["E3"], sheet["F3"], sheet["G3"] = "Non retenue", "Pas retenue.", "non"
    filled = tmp_path / "rempli.xlsx"
    sheet.parent.save(filled)
    client.post("/deconnexion")
    login(role="moderator")
    response = upload(client, filled, mode="publish")

    assert response.status_code == 302
    assert answers.answer_of(hostile).status == AnswerStatus.PUBLISHED
    assert answers.answer_of(plain).status == AnswerStatus.DRAFT


def test_the_template_is_for_staff_who_answer_or_analyse_only(client, login, make_chapter):
    consultation = make_chapter().consultation
    login(role="contributor")

    response = client.get(f"/moderation/reponses/modele.xlsx?concertation={consultation.id}")

    assert response.status_code == 403


def test_the_template_of_an_unknown_consultation_is_not_found(client, login):
    login(role="moderator")

    assert client.get("/moderation/reponses/modele.xlsx?concertation=abc").status_code == 404


def test_an_import_needs_the_csrf_token_of_the_page(app, client, login, tmp_path, contributions):
    path = workbook(tmp_path, [(contributions[0].reference, "Prise en compte", "Reprise.")])
    login(role="moderator")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = upload(client, path)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 400
    assert answer_count() == 0
