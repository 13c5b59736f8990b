"""A visitor reads a consultation in Chromium, following links as a person would."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.reading_data import FUTURE_WORD, Reading, build_reading

pytestmark = pytest.mark.browser


def test_a_visitor_walks_from_home_to_a_section_permalink(page: Page, seed):
    reading = seed(build_reading)

    page.goto("/")
    page.get_by_role("link", name=reading.consultation_title).click()
    expect(page).to_have_url(re.compile(re.escape(reading.consultation_path) + "$"))
    page.get_by_role("link", name=f"Chapitre 1 — {reading.chapter_title}").click()
    expect(page).to_have_url(re.compile(re.escape(reading.chapter_path) + "$"))
    page.get_by_role("link", name=f"vers la section « {reading.section_title} »").click()

    expect(page).to_have_url(
        re.compile(f"{re.escape(reading.chapter_path)}#{reading.section_anchor}$")
    )
    heading = page.locator(f'[id="{reading.section_anchor}"]')
    expect(heading).to_have_text(reading.section_title)
    expect(heading).to_be_in_viewport()


def test_a_chapter_of_a_future_batch_is_absent_everywhere_until_its_date(page: Page, seed, clock):
    reading = seed(build_reading)

    shown_before = places_showing_future_chapter(page, reading)
    clock.advance(days=reading.future_in.days)
    shown_after = places_showing_future_chapter(page, reading)

    assert shown_before == set()
    assert shown_after == {
        "consultation",
        "chapitre publié",
        "recherche",
        "plan du site",
        "chapitre",
    }


def places_showing_future_chapter(page: Page, reading: Reading) -> set[str]:
    places = {
        "consultation": reading.consultation_path,
        "chapitre publié": reading.chapter_path,
        "recherche": f"/recherche?q={FUTURE_WORD}",
        "plan du site": "/plan-du-site",
        "chapitre": reading.future_chapter_path,
    }
    shown = set()
    for name, path in places.items():
        response = page.goto(path)
        if response.ok and page.get_by_text(reading.future_chapter_title).count():
            shown.add(name)
    return shown


def test_public_pages_run_under_the_content_security_policy_without_errors(page: Page, seed):
    reading = seed(build_reading)
    problems: list[str] = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " event => console.error('CSP: ' + event.violatedDirective + ' ' + event.blockedURI))"
    )
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"{request.url} failed"))

    for path in (
        "/",
        reading.consultation_path,
        reading.chapter_path,
        "/recherche?q=socle",
        "/plan-du-site",
        "/connexion",
        "/mentions-legales",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        expect(page.locator("html")).to_have_attribute("data-fr-js", "true")

    assert problems == []
