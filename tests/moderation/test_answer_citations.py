"""An official answer may cite sections of the final text; the public follows them by a link."""

from __future__ import annotations

from sqlalchemy import select

from consultation.core.audit import AuditEvent
from consultation.extensions import db
from consultation.moderation import answers
from consultation.publication.models import Chapter, ChapterVersion
from tests import factories

FINAL_BODY = """Le texte final du chapitre.

## 1. Principes

Les principes, revus.

## 2.3 Les référentiels nationaux

Une section née de la concertation.
"""
PUBLISH = {"disposition": "taken", "body": "Reprise au chapitre 1.", "publish": "1"}


def answer_url(contribution) -> str:
    return f"/moderation/contributions/{contribution.id}/reponse"


def with_final_version(chapter: Chapter) -> ChapterVersion:
    """The chapter gets a revised text: its latest version is what the answers cite."""
    version = ChapterVersion(position=2, label="v1.0", body=FINAL_BODY)
    chapter.versions.append(version)
    db.session.flush()
    return version


def events(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def test_the_form_offers_the_sections_of_the_latest_version_grouped_by_chapter(
    client, login, make_chapter
):
    chapter = make_chapter(title="Socle commun")
    final = with_final_version(chapter)
    contribution = factories.make_contribution(chapter)
    login(role="moderator")

    page = client.get(answer_url(contribution)).text

    assert "Chapitre 1 — Socle commun</legend>" in page
    assert f'value="{final.id}:2-3"' in page and "2.3 Les référentiels nationaux" in page
    assert f'value="{chapter.consultation_version.id}:1-1"' not in page
    assert page.count("<legend") >= 3


def test_cited_sections_show_under_the_published_answer_with_links(client, login, make_chapter):
    chapter = make_chapter()
    final = with_final_version(chapter)
    contribution = factories.make_contribution(chapter)
    login(role="moderator")

    response = client.post(
        answer_url(contribution), data={**PUBLISH, "sections": [f"{final.id}:2-3", f"{final.id}:1"]}
    )
    client.get("/deconnexion")
    page = client.get(f"/contributions/{contribution.reference}").text

    link = f'href="/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}#2-3"'
    assert response.status_code == 302
    assert "Voir dans le texte final : " in page
    assert link in page and "2.3 Les référentiels nationaux" in page
    assert page.index("2.3 Les référentiels") < page.index("1. Principes<span")
    cited = answers.answer_of(contribution).citations
    assert [(c.section_anchor, c.position) for c in cited] == [("2-3", 0), ("1", 1)]


def test_a_draft_keeps_its_cited_sections_and_the_form_shows_them_ticked(
    client, login, make_chapter
):
    chapter = make_chapter()
    contribution = factories.make_contribution(chapter)
    key = f"{chapter.consultation_version.id}:1-1"
    login(role="moderator")

    client.post(
        answer_url(contribution),
        data={
            "disposition": "information",
            "body": "Brouillon.",
            "save_draft": "1",
            "sections": key,
        },
    )
    page = client.get(answer_url(contribution)).text

    assert f'value="{key}" checked' in page
    assert [c.section_title for c in answers.answer_of(contribution).citations] == [
        "1.1 Identification"
    ]
    [event] = events("answer.draft")
    assert event.after["citations"][0]["anchor"] == "1-1"


def test_an_unknown_or_outdated_section_is_refused_with_a_french_message(
    client, login, make_chapter
):
    chapter = make_chapter()
    contribution = factories.make_contribution(chapter)
    outdated = f"{chapter.consultation_version.id}:1"
    with_final_version(chapter)
    login(role="moderator")

    unknown = client.post(answer_url(contribution), data={**PUBLISH, "sections": "999999:zz"})
    stale = client.post(answer_url(contribution), data={**PUBLISH, "sections": outdated})

    assert [unknown.status_code, stale.status_code] == [422, 422]
    assert "Section inconnue du texte final : « 999999:zz »" in unknown.text
    assert 'aria-labelledby="sections-legend sections-messages"' in unknown.text
    assert "Section inconnue du texte final" in stale.text
    assert answers.answer_of(contribution) is None


def test_changing_only_the_cited_sections_of_a_published_answer_is_an_edit(
    client, clock, login, make_chapter
):
    chapter = make_chapter()
    final = with_final_version(chapter)
    contribution = factories.make_contribution(chapter)
    login(role="moderator")
    client.post(answer_url(contribution), data={**PUBLISH, "sections": f"{final.id}:1"})
    clock.advance(days=1)

    client.post(answer_url(contribution), data={**PUBLISH, "sections": f"{final.id}:2-3"})
    page = client.get(f"/contributions/{contribution.reference}").text

    answer = answers.answer_of(contribution)
    [revision] = answer.revisions
    [edit] = events("answer.edit")
    assert revision.body == PUBLISH["body"]
    assert [c.section_anchor for c in answer.citations] == ["2-3"]
    assert [c["anchor"] for c in edit.before["citations"]] == ["1"]
    assert [c["anchor"] for c in edit.after["citations"]] == ["2-3"]
    assert edit.before["body_sha256"] == edit.after["body_sha256"]
    assert "modifiée le" in page


def test_republishing_the_same_answer_and_sections_changes_nothing(client, login, make_chapter):
    chapter = make_chapter()
    contribution = factories.make_contribution(chapter)
    data = {**PUBLISH, "sections": f"{chapter.consultation_version.id}:1"}
    login(role="moderator")
    client.post(answer_url(contribution), data=data)

    client.post(answer_url(contribution), data=data)

    assert answers.answer_of(contribution).revisions == []
    assert events("answer.edit") == []
