"""Reading published contributions: counts, latest per section, keyset pages, one contribution."""

from __future__ import annotations

import re

from consultation.contributions.models import Channel, Status
from consultation.contributions.services import list_by_author, relabel_author


def chapter_url(chapter) -> str:
    return f"/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}"


def references_on(html: str) -> list[str]:
    return re.findall(r"— contribution ([A-Z0-9]+-\d{4})<", html)


def test_counts_show_only_published_contributions_per_section_chapter_and_consultation(
    client, make_chapter, make_contribution
):
    chapter = make_chapter()
    for _ in range(2):
        make_contribution(chapter, section_anchor="1-1", section_title="1.1 Identification")
    make_contribution(chapter)
    for status in (Status.PENDING, Status.REJECTED, Status.HIDDEN):
        make_contribution(chapter, section_anchor="1-1", status=status, body=f"Texte {status}")

    chapter_page = client.get(chapter_url(chapter)).text
    consultation_page = client.get(f"/consultations/{chapter.consultation.slug}").text

    assert "2 contributions sur cette section" in chapter_page
    assert '2<span class="fr-sr-only"> contributions</span>' in chapter_page
    assert "Voir les 2 contributions" in chapter_page
    assert "1 contribution sur l’ensemble du chapitre · 3 au total" in chapter_page
    assert "Texte " not in chapter_page
    assert "· 3 contributions" in consultation_page


def test_a_section_shows_its_three_latest_contributions(
    client, clock, make_chapter, make_contribution
):
    chapter = make_chapter()
    made = []
    for number in range(5):
        clock.advance(minutes=1)
        made.append(make_contribution(chapter, section_anchor="2", body=f"Avis numéro {number}."))

    page = client.get(chapter_url(chapter)).text
    section_two = page.split('id="contributions-2"')[1].split("</section>")[0]

    assert references_on(section_two) == [c.reference for c in reversed(made[2:])]
    assert "Voir les 5 contributions" in section_two


def test_the_list_pages_through_every_contribution_once_newest_first(
    client, clock, make_chapter, make_contribution
):
    chapter = make_chapter()
    made = []
    for number in range(45):
        if number % 3:
            clock.advance(seconds=1)  # some share a publication moment: the id breaks the tie
        made.append(make_contribution(chapter))
    newest_first = [c.reference for c in sorted(made, key=lambda c: (c.published_at, c.id))][::-1]

    seen, url, pages = [], chapter_url(chapter) + "/contributions", []
    while url:
        page = client.get(url).text
        pages.append(page)
        seen += references_on(page)
        found = re.search(r'href="([^"]+)">Contributions suivantes', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    back = re.search(r'href="([^"]+)">Contributions précédentes', pages[-1]).group(1)
    previous_page = client.get(back.replace("&amp;", "&")).text

    assert seen == newest_first
    assert len(pages) == 3
    assert references_on(previous_page) == newest_first[20:40]
    assert "Contributions précédentes" not in pages[0]


def test_the_list_filters_by_section(client, make_chapter, make_contribution):
    chapter = make_chapter()
    on_section = make_contribution(chapter, section_anchor="1", section_title="1. Principes")
    elsewhere = make_contribution(chapter)

    page = client.get(chapter_url(chapter) + "/contributions?section=1").text
    unknown = client.get(chapter_url(chapter) + "/contributions?section=inconnue")

    assert references_on(page) == [on_section.reference]
    assert elsewhere.reference not in page
    assert unknown.status_code == 404


def test_a_contribution_page_shows_everything_a_reader_needs(
    client, make_chapter, make_contribution, make_user
):
    author = make_user(organisation="Clinique du Parc", show_name=True)
    contribution = make_contribution(author=author, channel=Channel.EMAIL)

    page = client.get(f"/contributions/{contribution.reference}").text

    assert author.display_name in page
    assert author.profile.label in page
    assert "Clinique du Parc" in page
    assert "Reçue par courriel" in page
    assert contribution.reference in page
    assert "2 mars 2026" in page
    assert "Réponse officielle" in page


def test_an_unknown_or_unpublished_contribution_is_not_found_for_visitors(
    client, make_contribution
):
    pending = make_contribution(status=Status.PENDING)
    rejected = make_contribution(status=Status.REJECTED)

    responses = [client.get(f"/contributions/{c.reference}") for c in (pending, rejected)]
    unknown = client.get("/contributions/INCONNU-0001")

    assert [response.status_code for response in responses] == [404, 404]
    assert unknown.status_code == 404


def test_a_new_consent_relabels_every_past_contribution(database, make_contribution, make_user):
    author = make_user(display_name="Claire Martin")
    contributions = [make_contribution(author=author) for _ in range(2)]
    author.show_name = True

    relabel_author(author)

    assert {c.author_label for c in contributions} == {"Claire Martin"}


def test_my_contributions_are_listed_newest_first_whatever_their_status(
    database, clock, make_contribution, make_user
):
    author = make_user()
    older = make_contribution(author=author, status=Status.PENDING)
    clock.advance(minutes=5)
    newer = make_contribution(author=author)
    make_contribution()

    assert list_by_author(author) == [newer, older]
