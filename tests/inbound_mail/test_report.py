"""`flask mail report`: every message received is counted in exactly one state."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consultation.inbound_mail.models import MessageState, RefusalReason
from consultation.inbound_mail.report import AccountingMismatch, AccountingRow, accounting


@pytest.fixture
def mailbag(make_consultation, make_inbound_message):
    """Two consultations and mail in every state, some out of period, some unassigned."""
    first = make_consultation(slug="doctrine", opens_in=timedelta(days=-30))
    second = make_consultation(slug="annuaire", opens_in=timedelta(days=-10))
    states = [
        (first, MessageState.NEW, False),
        (first, MessageState.NEW, True),
        (first, MessageState.PUBLISHED, False),
        (first, MessageState.REFUSED, True),
        (first, MessageState.QUARANTINED, False),
        (second, MessageState.PUBLISHED, False),
        (None, MessageState.NEW, False),
        (None, MessageState.QUARANTINED, False),
    ]
    for consultation, state, is_out_of_period in states:
        refusal = RefusalReason.OUT_OF_PERIOD if state == MessageState.REFUSED else None
        make_inbound_message(
            consultation=consultation,
            state=state,
            refusal_reason=refusal,
            is_out_of_period=is_out_of_period,
        )
    return first, second


def test_the_report_shows_received_as_the_sum_of_the_states_for_each_consultation(cli, mailbag):
    result = cli.invoke(args=["mail", "report"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "Concertation", "Reçus", "À", "trier", "Publiés", "Refusés", "Quarantaine", "Hors",
        "période",
    ]  # fmt: skip
    assert lines[1].split() == ["doctrine", "5", "2", "1", "1", "1", "2"]
    assert lines[2].split() == ["annuaire", "1", "0", "1", "0", "0", "0"]
    assert lines[3].split() == ["Sans", "concertation", "2", "1", "0", "0", "1", "0"]


def test_the_report_of_one_consultation_shows_only_its_row(cli, mailbag):
    result = cli.invoke(args=["mail", "report", "annuaire"])

    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.output.splitlines()] == ["Concertation", "annuaire"]


def test_the_report_of_an_unknown_consultation_says_so(cli):
    result = cli.invoke(args=["mail", "report", "inconnue"])

    assert result.exit_code == 1
    assert "Aucune concertation n’a l’adresse « inconnue »." in result.output


def test_every_row_of_the_accounting_adds_up_and_no_message_is_left_out(mailbag):
    rows = accounting()

    assert sum(row.received for row in rows) == 8
    for row in rows:
        assert row.received == row.new + row.published + row.refused + row.quarantined
    assert rows[-1].consultation_id is None


def test_a_consultation_without_mail_has_a_row_of_zeros(make_consultation, database):
    consultation = make_consultation()

    [row] = accounting(consultation.id)

    assert (row.received, row.new, row.published, row.refused, row.quarantined) == (0,) * 5


def test_figures_that_do_not_add_up_are_refused_rather_than_shown():
    with pytest.raises(AccountingMismatch):
        AccountingRow(1, "doctrine", "Doctrine", received=3, new=1, published=1)
