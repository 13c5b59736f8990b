"""Reading a consultation: what is public, when, and in what order."""

from datetime import UTC, datetime, timedelta

SECRET_TITLE = "Plateformes nationales de santé"


def chapter_url(chapter):
    return f"/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}"


def future_chapter(make_batch, make_chapter, make_consultation):
    """An open consultation with one published chapter and one in a batch due in three days."""
    consultation = make_consultation(slug="doctrine")
    published = make_chapter(make_batch(consultation, title="Fondations"), title="Fondations")
    upcoming_batch = make_batch(consultation, title="Lot secret", publish_in=timedelta(days=3))
    body = "## 4.1 Espace numérique\n\nTexte confidentiel jusqu’à sa date."
    return published, make_chapter(upcoming_batch, title=SECRET_TITLE, body=body)


def test_chapter_of_a_future_batch_is_invisible_until_its_date(client, clock, make_chapter):
    chapter = make_chapter(publish_in=timedelta(days=3), title="Plateformes nationales")

    before = client.get(chapter_url(chapter))
    clock.advance(days=3)
    after = client.get(chapter_url(chapter))

    assert before.status_code == 404
    assert after.status_code == 200
    assert "Plateformes nationales" in after.text


def test_a_future_chapter_leaks_nowhere_then_appears_everywhere_at_its_date(
    client, clock, make_batch, make_chapter, make_consultation
):
    future_chapter(make_batch, make_chapter, make_consultation)
    listing_urls = [
        "/consultations/doctrine",
        "/plan-du-site",
        "/sitemap.xml",
        "/api/consultations/doctrine",
    ]
    search_url = "/recherche?q=Espace+numérique"

    before = [
        client.get(url).text for url in ["/", "/api/consultations", search_url, *listing_urls]
    ]
    clock.advance(days=3)
    after = [client.get(url).text for url in listing_urls]
    found = client.get(search_url).text

    for page in before:
        assert SECRET_TITLE not in page
        assert "Lot secret" not in page
        assert "chapitres/2" not in page
    for page in after:
        assert "chapitres/2" in page
    assert SECRET_TITLE in found


def test_the_section_permalink_of_a_future_chapter_is_not_found(
    client, make_batch, make_chapter, make_consultation
):
    _, upcoming = future_chapter(make_batch, make_chapter, make_consultation)

    response = client.get(f"{chapter_url(upcoming)}/sections/4-1")

    assert response.status_code == 404


def test_the_calendar_shows_an_upcoming_batch_by_its_date_only(
    client, make_batch, make_chapter, make_consultation
):
    future_chapter(make_batch, make_chapter, make_consultation)

    page = client.get("/consultations/doctrine").text

    assert "Lot 1 — Fondations" in page
    assert "Lot 2 — à venir" in page
    assert ">5 mars 2026 à 10 h 00</time>" in page
    assert "Lot secret" not in page


def test_home_lists_open_then_upcoming_then_closed_consultations(client, make_consultation):
    make_consultation(title="Close", opens_in=timedelta(days=-90), closes_in=timedelta(days=-30))
    make_consultation(title="À venir", opens_in=timedelta(days=10), closes_in=timedelta(days=40))
    make_consultation(title="Ouverte", opens_in=timedelta(days=-1), closes_in=timedelta(days=9))

    page = client.get("/").text

    assert page.index("Consultations ouvertes") < page.index("Ouverte")
    assert page.index("Ouverte") < page.index("Consultations à venir") < page.index("À venir")
    assert page.index("À venir") < page.index("Consultations closes") < page.index("Close")


def test_dates_are_shown_in_paris_time(client, make_consultation):
    make_consultation(
        slug="heure",
        opens_at=datetime(2026, 2, 28, 23, 30, tzinfo=UTC),
        closes_at=datetime(2026, 7, 1, 21, 59, tzinfo=UTC),
    )

    page = client.get("/consultations/heure").text

    assert "1er mars 2026 à 0 h 30" in page
    assert "1er juillet 2026 à 23 h 59" in page


def test_chapter_page_has_a_table_of_contents_and_a_permalink_per_section(client, make_chapter):
    chapter = make_chapter()

    page = client.get(chapter_url(chapter)).text

    assert '<a class="fr-sidemenu__link" href="#1">1. Principes</a>' in page
    assert '<h3 id="1-1">1.1 Identification</h3>' in page
    assert f'href="{chapter_url(chapter)}/sections/2"' in page


def test_a_section_permalink_leads_to_its_anchor(client, make_chapter):
    chapter = make_chapter()

    found = client.get(f"{chapter_url(chapter)}/sections/1-1")
    missing = client.get(f"{chapter_url(chapter)}/sections/9-9")

    assert found.status_code == 302
    assert found.headers["Location"].endswith(f"{chapter_url(chapter)}#1-1")
    assert missing.status_code == 404


def test_chapter_text_is_rendered_from_markdown_and_sanitised(client, make_chapter):
    body = (
        "Un **texte** avec <script>alert('x')</script> et [un lien](javascript:alert(1)).\n\n"
        "## 1. Section\n\n| Colonne | Valeur |\n|---|---|\n| a | 1 |\n\n[Source](https://esante.gouv.fr)"
    )
    chapter = make_chapter(body=body)

    page = client.get(chapter_url(chapter)).text

    assert "<strong>texte</strong>" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert "<table>" in page
    assert '<a href="https://esante.gouv.fr">Source</a>' in page


def test_chapter_of_an_unknown_consultation_is_not_found_in_french(client):
    response = client.get("/consultations/inconnue/chapitres/1")

    assert response.status_code == 404
    assert "Page non trouvée" in response.text


def test_search_finds_published_chapters_by_words_of_their_text(client, make_chapter):
    make_chapter(title="Référentiels socles")

    found = client.get("/recherche?q=usager identifié").text
    none = client.get("/recherche?q=introuvable").text

    assert "Référentiels socles" in found
    assert "1.1 Identification" not in none
    assert "0 chapitre trouvé" in none


def test_search_treats_wildcards_as_plain_characters(client, make_chapter):
    make_chapter(title="Référentiels socles")

    page = client.get("/recherche?q=%25%25 __").text

    assert "0 chapitre trouvé" in page


def test_json_api_describes_published_chapters_with_their_sections(client, make_chapter):
    chapter = make_chapter()

    document = client.get(f"/api/consultations/{chapter.consultation.slug}").get_json()

    assert document["status"] == "open"
    assert [c["number"] for c in document["chapters"]] == [1]
    assert document["chapters"][0]["sections"][1] == {
        "anchor": "1-1",
        "level": 3,
        "title": "1.1 Identification",
    }
