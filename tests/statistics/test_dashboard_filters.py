"""No address breaks the dashboard: whatever the query string, the page answers 200."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultation.statistics.dashboard_forms import DATES, SELECTS
from tests.statistics.page_scenario import build_scenario

PARAMETERS = (*SELECTS, *DATES)

query_values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.integers(min_value=0, max_value=12).map(str),  # ids that exist in the scenario, or nearly
    st.dates().map(str),
    st.sampled_from(["", "web", "email", "2026-03-02", "0001-01-01", "9999-12-31", "%", "\x00"]),
    st.datetimes().map(lambda moment: f"{moment.isoformat()}+14:00"),
)
query_strings = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(PARAMETERS), st.text(string.ascii_lowercase, max_size=8)),
        query_values,
    ),
    max_size=8,
)


@pytest.fixture
def slug(database, clock, login):
    login(role="analyst")
    return build_scenario().slug


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=query_strings)
def test_no_address_breaks_the_dashboard(client, slug, pairs):
    response = client.get(f"/analyse/{slug}", query_string=pairs)

    assert response.status_code == 200, (pairs, response.status_code)
    assert "Tableau de bord" in response.text
