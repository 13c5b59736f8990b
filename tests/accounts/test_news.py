"""Subscribers are told once of each published batch, and leave the news through a link."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from consultation.accounts.models import User
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from tests.accounts.mail import SITE


def send_news(cli) -> str:
    result = cli.invoke(args=["news", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def news_mail_addresses() -> list[str]:
    query = select(OutboxMessage.to_address).where(OutboxMessage.kind == "news_batch_published")
    return sorted(db.session.scalars(query))


def unsubscribe_path(address: str) -> str:
    body = db.session.scalars(
        select(OutboxMessage.body_text).where(OutboxMessage.to_address == address)
    ).one()
    link = re.search(r"(\S+/desabonnement/\S+)", body).group(1)
    assert link.startswith(SITE)
    return link.removeprefix(SITE)


def test_each_subscriber_is_told_once_of_a_published_batch_with_links_to_its_chapters(
    cli, make_user, make_chapter
):
    subscriber = make_user(news_opt_in=True)
    make_user(news_opt_in=False)
    make_user(news_opt_in=True, email_confirmed_at=None)
    make_user(news_opt_in=True, is_enabled=False)
    chapter = make_chapter(title="Les médicaments de demain")

    output = send_news(cli)
    body = db.session.scalars(select(OutboxMessage.body_text)).one()

    assert news_mail_addresses() == [subscriber.email]
    assert "1 lot(s) annoncé(s)" in output
    assert "Les médicaments de demain" in body
    assert f"{SITE}/consultations/{chapter.consultation.slug}/chapitres/1" in body


def test_a_second_run_sends_nothing_even_to_someone_who_subscribed_since(
    cli, make_user, make_chapter
):
    make_user(news_opt_in=True)
    make_chapter()
    send_news(cli)
    make_user(news_opt_in=True)

    output = send_news(cli)

    assert len(news_mail_addresses()) == 1
    assert "0 lot(s) annoncé(s)" in output


def test_a_future_batch_is_announced_only_once_its_date_has_come(
    cli, clock, make_user, make_chapter
):
    subscriber = make_user(news_opt_in=True)
    make_chapter(publish_in=timedelta(days=2))

    before = send_news(cli)
    clock.advance(days=3)
    after = send_news(cli)

    assert "0 lot(s) annoncé(s)" in before
    assert "1 lot(s) annoncé(s)" in after
    assert news_mail_addresses() == [subscriber.email]


def test_the_link_of_the_mail_unsubscribes_without_signing_in(cli, client, make_user, make_chapter):
    subscriber = make_user(news_opt_in=True)
    make_chapter()
    send_news(cli)
    path = unsubscribe_path(subscriber.email)

    page = client.get(path)
    response = client.post(path)

    assert page.status_code == 200
    assert "Me désabonner" in page.get_data(as_text=True)
    assert response.status_code == 200
    assert "Désabonnement enregistré" in response.get_data(as_text=True)
    assert db.session.get(User, subscriber.id).news_opt_in is False


def test_opening_the_link_changes_nothing(cli, client, make_user, make_chapter):
    subscriber = make_user(news_opt_in=True)
    make_chapter()
    send_news(cli)

    client.get(unsubscribe_path(subscriber.email))

    db.session.expire_all()
    assert db.session.get(User, subscriber.id).news_opt_in is True


def test_an_altered_link_is_refused_with_a_clear_page(cli, client, make_user, make_chapter):
    subscriber = make_user(news_opt_in=True)
    make_chapter()
    send_news(cli)
    path = unsubscribe_path(subscriber.email)

    response = client.post(path[:-3] + "xyz")

    db.session.expire_all()
    assert response.status_code == 400
    assert "Lien de désabonnement invalide" in response.get_data(as_text=True)
    assert db.session.get(User, subscriber.id).news_opt_in is True
