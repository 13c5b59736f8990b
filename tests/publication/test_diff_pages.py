"""The differences page of a chapter and the downloadable document of the whole consultation."""

from datetime import timedelta

from consultation.extensions import db
from consultation.publication.models import ChapterVersion

CONSULTED = """Présentation du chapitre.

## 1. Les référentiels

Chaque service s'appuie sur des référentiels partagés.

## 2. La sécurité

Les échanges sont chiffrés.

## 3. Les usages

Les usages sont décrits ici.

## 4. Le glossaire

Quelques définitions.
"""

FINAL = """Présentation du chapitre.

## 3. Les usages

Les usages sont décrits ici.

## 1. Les référentiels communs

Chaque service s'appuie sur des référentiels partagés.

## 2. La sécurité

Les échanges sont chiffrés et authentifiés.

## 5. Le calendrier

Tout commence en 2027.
"""

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def add_final_version(chapter, body=FINAL, label="v1.0 finale"):
    chapter.versions.append(
        ChapterVersion(position=len(chapter.versions) + 1, label=label, body=body)
    )
    db.session.flush()
    return chapter


def diff_url(chapter, view=""):
    base = f"/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}/differences"
    return base + (f"?vue={view}" if view else "")


def document_url(chapter):
    return f"/consultations/{chapter.consultation.slug}/differences.html"


def test_the_page_names_each_kind_of_change_and_sums_them_up(client, make_chapter):
    chapter = add_final_version(make_chapter(body=CONSULTED))

    page = client.get(diff_url(chapter)).text

    assert "1 section modifiée, 1 ajoutée, 1 supprimée, 1 déplacée, 1 renommée" in page
    for status in ("Section ajoutée", "Section supprimée", "Section déplacée", "Texte modifié"):
        assert status in page
    assert "Section renommée (ancien titre : « 1. Les référentiels »)" in page
    assert (
        '<span class="diff-sr">[début d’ajout] </span> et authentifiés'
        '<span class="diff-sr"> [fin d’ajout]</span>'
    ) in page
    assert '<del><span class="diff-mark" aria-hidden="true">[-</span>' in page


def test_side_by_side_shows_deletions_left_and_additions_right(client, make_chapter):
    chapter = add_final_version(make_chapter(body=CONSULTED))

    page = client.get(diff_url(chapter, "cote-a-cote")).text

    assert 'class="diff-columns"' in page
    assert page.count("<ins>") == 2 and page.count("<del>") == 1
    assert 'aria-current="page">Côte à côte' in page


def test_nothing_changed_says_so(client, make_chapter):
    chapter = add_final_version(make_chapter(body=CONSULTED), body=CONSULTED)

    page = client.get(diff_url(chapter)).text

    assert "4 sections inchangées" in page
    assert "<ins>" not in page and "<del>" not in page


def test_a_chapter_with_one_version_has_no_final_version_yet(client, make_chapter):
    chapter = make_chapter(body=CONSULTED)

    page = client.get(diff_url(chapter)).text
    chapter_page = client.get(f"/consultations/{chapter.consultation.slug}/chapitres/1").text

    assert "n’a pas encore de version finale" in page
    assert "/differences" not in chapter_page


def test_the_chapter_page_leads_to_the_differences_once_a_final_version_exists(
    client, make_chapter
):
    chapter = add_final_version(make_chapter(body=CONSULTED))

    page = client.get(f"/consultations/{chapter.consultation.slug}/chapitres/1").text

    assert diff_url(chapter) in page and "v1.0 finale" in page


def test_an_unpublished_chapter_has_no_differences_anywhere(client, make_chapter):
    chapter = add_final_version(make_chapter(body=CONSULTED, publish_in=timedelta(days=3)))

    page = client.get(diff_url(chapter))
    document = client.get(document_url(chapter)).text

    assert page.status_code == 404
    assert "calendrier" not in document.lower()


def test_the_document_is_a_standalone_download_for_the_whole_consultation(
    client, make_batch, make_chapter
):
    first = add_final_version(make_chapter(body=CONSULTED))
    make_chapter(first.batch, body="## Seul\n\nUne seule version.", title="Chapitre sans suite")

    response = client.get(document_url(first))

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "text/html"
    assert (
        "<style>" in response.text
        and "<link" not in response.text
        and "<script" not in response.text
    )
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "1 section modifiée, 1 ajoutée, 1 supprimée" in response.text
    assert "Chapitre 2 — Chapitre sans suite" in response.text
    assert "n’a pas encore de version finale" in response.text


def test_the_document_style_is_allowed_by_its_hash(client, make_chapter):
    import base64
    import hashlib
    import re

    chapter = add_final_version(make_chapter(body=CONSULTED))

    response = client.get(document_url(chapter))

    style = re.search(r"<style>(.*?)</style>", response.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]


def test_markup_in_a_version_is_shown_as_text_never_run(client, make_chapter):
    chapter = add_final_version(
        make_chapter(body=CONSULTED), body=CONSULTED.replace("Quelques définitions.", XSS)
    )

    page = client.get(diff_url(chapter)).text
    document = client.get(document_url(chapter)).text

    for html in (page, document):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
