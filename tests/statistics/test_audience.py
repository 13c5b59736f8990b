"""Visitor counts: once a day, once as new, a cookie set once, no IP, and who is left out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from consultation.extensions import db
from consultation.statistics.audience import OPT_OUT_COOKIE, VISITOR_COOKIE
from consultation.statistics.models import AudienceDay, AudienceVisit, AudienceVisitor

#: Thirteen months at the shortest (365 days and a February).
THIRTEEN_MONTHS = 393 * 24 * 3600


@pytest.fixture
def chapter(make_chapter):
    return make_chapter()


def page_url(chapter) -> str:
    return f"/consultations/{chapter.consultation.slug}"


def chapter_url(chapter) -> str:
    return f"{page_url(chapter)}/chapitres/{chapter.number}"


def days() -> list[tuple]:
    query = select(
        AudienceDay.day, AudienceDay.visitors, AudienceDay.new_visitors, AudienceDay.page_views
    ).order_by(AudienceDay.day)
    return [tuple(row) for row in db.session.execute(query)]


def visitor_cookies(response) -> list[str]:
    headers = response.headers.getlist("Set-Cookie")
    return [header for header in headers if header.startswith(f"{VISITOR_COOKIE}=")]


def test_a_visitor_counts_once_a_day_and_once_as_new(client, clock, chapter):
    for url in (page_url(chapter), chapter_url(chapter), page_url(chapter)):
        assert client.get(url).status_code == 200
    clock.advance(days=1)
    client.get(chapter_url(chapter))

    first, second = days()
    assert first[1:] == (1, 1, 3)
    assert second[1:] == (1, 0, 1)
    assert second[0] - first[0] == timedelta(days=1)


def test_two_browsers_are_two_visitors(app, client, clock, chapter):
    other = app.test_client()

    client.get(page_url(chapter))
    other.get(page_url(chapter))

    assert [row[1:] for row in days()] == [(2, 2, 2)]


def test_the_day_is_the_day_in_paris(client, clock, chapter):
    clock.set(clock.now().replace(hour=23, minute=30))  # 00:30 the next day in Paris (winter)

    client.get(page_url(chapter))

    assert days()[0][0] == (clock.now() + timedelta(hours=1)).date()


def test_the_cookie_is_set_once_for_at_most_thirteen_months_and_never_extended(
    client, clock, chapter
):
    first = client.get(page_url(chapter))
    clock.advance(days=40)
    later = client.get(chapter_url(chapter))

    (cookie,) = visitor_cookies(first)
    max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
    assert 0 < max_age <= THIRTEEN_MONTHS
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Domain=" not in cookie
    assert visitor_cookies(later) == []


def test_the_cookie_is_secure_where_the_session_cookie_is(app, client, chapter, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)

    (cookie,) = visitor_cookies(client.get(page_url(chapter)))

    assert "Secure" in cookie


def test_no_ip_address_nor_the_cookie_itself_is_stored(client, chapter):
    address = "203.0.113.77"

    response = client.get(
        page_url(chapter),
        environ_base={"REMOTE_ADDR": address},
        headers={"X-Forwarded-For": "198.51.100.23"},
    )

    cookie_value = visitor_cookies(response)[0].split(";")[0].split("=", 1)[1]
    stored = [
        str(tuple(row))
        for model in (AudienceDay, AudienceVisitor, AudienceVisit)
        for row in db.session.execute(select(*model.__table__.columns))
    ]
    assert len(stored) == 3
    assert not any(
        secret in row for row in stored for secret in (address, "198.51.100.23", cookie_value)
    )
    assert len(db.session.scalar(select(AudienceVisitor.visitor_key))) == 64


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Mozilla/5.0 HeadlessChrome/120.0",
        "curl/8.5.0",
        "Wget/1.21",
        "python-requests/2.31",
        "Screaming Frog SEO Spider/19.0",
        "",
    ],
)
def test_robots_are_not_counted_nor_given_a_cookie(client, chapter, user_agent):
    response = client.get(page_url(chapter), headers={"User-Agent": user_agent})

    assert response.status_code == 200
    assert visitor_cookies(response) == []
    assert days() == []


@pytest.mark.parametrize("header", ["DNT", "Sec-GPC"])
def test_do_not_track_and_global_privacy_control_are_respected(client, chapter, header):
    response = client.get(page_url(chapter), headers={header: "1"})

    assert visitor_cookies(response) == []
    assert days() == []


def test_pages_that_are_not_a_consultation_read_successfully_do_not_count(
    client, chapter, make_chapter
):
    hidden = make_chapter(publish_in=timedelta(days=5))  # its batch is not out yet

    responses = [
        client.get("/"),
        client.get("/donnees-personnelles"),
        client.get("/static/dsfr/dsfr.min.css"),
        client.head(page_url(chapter)),
        client.get(chapter_url(hidden)),
        client.get("/consultations/inconnue"),
    ]

    assert [response.status_code for response in responses][-2:] == [404, 404]
    assert all(visitor_cookies(response) == [] for response in responses)
    assert days() == []


def test_staff_reading_the_consultation_are_not_counted(client, login, chapter):
    login(role="moderator")

    response = client.get(page_url(chapter))

    assert response.status_code == 200
    assert days() == []


def test_the_public_statistics_page_counts_and_the_analysts_dashboard_does_not(
    client, login, chapter
):
    public = client.get(f"{page_url(chapter)}/statistiques")
    login(role="analyst")
    dashboard = client.get(f"/analyse/{chapter.consultation.slug}")

    assert (public.status_code, dashboard.status_code) == (200, 200)
    assert [row[1:] for row in days()] == [(1, 1, 1)]


def test_the_chapter_contributions_and_section_links_count_once_read(client, chapter):
    client.get(f"{chapter_url(chapter)}/contributions")
    redirect = client.get(f"{chapter_url(chapter)}/sections/1-1")

    assert redirect.status_code == 302  # the chapter it leads to is the page read
    assert [row[1:] for row in days()] == [(1, 1, 1)]


def test_a_failure_to_count_never_breaks_the_page(client, chapter, monkeypatch, caplog):
    def broken(*_args):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr("consultation.statistics.audience.record_page_view", broken)

    response = client.get(page_url(chapter))

    assert response.status_code == 200
    assert chapter.consultation.title in response.text
    assert "Page vue non comptée" in caplog.text


def test_opting_out_stops_the_count_and_forgets_the_identifier(client, chapter):
    client.get(page_url(chapter))

    response = client.post("/statistiques-de-frequentation", data={"choice": "refuser"})
    client.get(chapter_url(chapter))

    assert response.status_code == 302
    headers = response.headers.getlist("Set-Cookie")
    assert any(h.startswith(f"{OPT_OUT_COOKIE}=1;") and "Max-Age=" in h for h in headers)
    assert any(h.startswith(f"{VISITOR_COOKIE}=;") and "Max-Age=0" in h for h in headers)
    assert client.get_cookie(VISITOR_COOKIE, domain="concertation.test") is None
    assert [row[1:] for row in days()] == [(1, 1, 1)]


def test_opting_back_in_counts_again(client, chapter):
    client.post("/statistiques-de-frequentation", data={"choice": "refuser"})
    client.get(page_url(chapter))

    page = client.get("/statistiques-de-frequentation")
    client.post("/statistiques-de-frequentation", data={"choice": "accepter"})
    client.get(page_url(chapter))

    assert "ne sont pas comptées" in page.text
    assert client.get_cookie(OPT_OUT_COOKIE, domain="concertation.test") is None
    assert [row[1:] for row in days()] == [(1, 1, 1)]


def test_the_opt_out_form_needs_its_csrf_token(app, client, chapter, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/statistiques-de-frequentation").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    forged = client.post("/statistiques-de-frequentation", data={"choice": "refuser"})
    genuine = client.post(
        "/statistiques-de-frequentation", data={"choice": "refuser", "csrf_token": token}
    )

    assert forged.status_code == 400
    assert genuine.status_code == 302
    assert client.get_cookie(OPT_OUT_COOKIE, domain="concertation.test") is not None


def test_an_unknown_choice_changes_nothing(client):
    response = client.post("/statistiques-de-frequentation", data={"choice": "autre"})

    assert response.status_code == 400
    assert client.get_cookie(OPT_OUT_COOKIE, domain="concertation.test") is None


def test_the_page_explains_the_measure_and_tells_a_browser_that_asks_not_to_be_tracked(client):
    page = client.get("/statistiques-de-frequentation", headers={"Sec-GPC": "1"}).text

    assert "<h1>Statistiques de fréquentation</h1>" in page
    assert "treize mois" in page
    assert "Aucune adresse IP" in page
    assert "Votre navigateur demande à ne pas être suivi" in page


def test_the_personal_data_page_says_how_visitors_are_counted_and_links_the_opt_out(client):
    page = client.get("/donnees-personnelles").text

    assert 'href="/statistiques-de-frequentation"' in page
    assert "Mesure de fréquentation" in page
    assert "vingt-cinq mois" in page
