"""Charts laid out from numbers: bars in proportion, tables with every value, labels escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import render_template_string
from hypothesis import given
from hypothesis import strategies as st

from consultation.statistics import charts
from consultation.statistics.figure_charts import (
    channel_chart,
    channel_share_chart,
    shares_chart,
    timeline_chart,
)

NNBSP, NBSP = "\u202f", "\u00a0"


@dataclass(frozen=True)
class Split:
    label: str
    web: int
    email: int


@dataclass(frozen=True)
class Share:
    label: str
    count: int


@dataclass(frozen=True)
class Week:
    week: date
    web: int
    email: int


def render(chart: charts.Chart) -> str:
    source = '{% from "statistics/_charts.html" import chart %}{{ chart(figure) }}'
    return render_template_string(source, figure=chart)


def bars_of(chart: charts.Chart, series: int) -> list[charts.Rect]:
    """The bars of one series, legend swatches (18 units square at the top) left out."""
    return [
        rect for rect in chart.rects if rect.series == series and rect.title in _bar_titles(chart)
    ]


def _bar_titles(chart: charts.Chart) -> set[str]:
    return {rect.title for rect in chart.rects if " : " in rect.title}


def test_numbers_and_shares_are_written_the_french_way():
    assert charts.number_fr(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert charts.number_fr(12) == "12"
    assert charts.percent_fr(0.125) == f"12,5{NBSP}%"
    assert charts.percent_fr(charts.share_of(3, 0)) == f"0,0{NBSP}%"


def test_stacked_bars_are_in_proportion_and_the_longest_fills_the_room():
    splits = [Split("1. Principes", 30, 10), Split("2. Services", 10, 10), Split("3. Vide", 0, 0)]

    chart = channel_chart("chapitres", "Contributions par chapitre", "Chapitre", splits)

    web, email = bars_of(chart, 0), bars_of(chart, 1)
    room = charts.WIDTH - charts.VALUE_ROOM
    assert [bar.width for bar in web] == [room * 30 / 40, room * 10 / 40]
    assert [bar.width for bar in email] == [room * 10 / 40, room * 10 / 40]
    assert email[0].x == web[0].width  # stacked: the email part follows the online one
    assert web[0].title == "1. Principes — En ligne : 30"
    totals = [text.text for text in chart.texts if text.is_strong]
    assert totals == ["40", "20", "0"]
    assert not chart.is_empty


def test_grouped_bars_stand_side_by_side_with_their_own_values():
    chart = channel_chart(
        "profils", "Par profil", "Profil", [Split("Citoyen", 8, 2)], stacked=False
    )

    web, email = bars_of(chart, 0), bars_of(chart, 1)
    assert web[0].x == email[0].x == 0
    assert email[0].y > web[0].y
    assert web[0].width == charts.WIDTH - charts.VALUE_ROOM
    assert email[0].width == web[0].width / 4
    assert {"8", "2"} <= {text.text for text in chart.texts}


def test_the_channel_table_holds_every_value_and_the_totals():
    splits = [Split("1. Principes", 1200, 34), Split("2. Services", 5, 0)]

    table = channel_chart("c", "Contributions par chapitre", "Chapitre", splits).table

    assert table.caption == "Contributions par chapitre"
    assert table.headers == ("Chapitre", "En ligne", "Par courriel", "Total")
    assert table.rows == (
        ("1. Principes", f"1{NNBSP}200", "34", f"1{NNBSP}234"),
        ("2. Services", "5", "0", "5"),
    )
    assert table.total == ("Total", f"1{NNBSP}205", "34", f"1{NNBSP}239")


def test_a_share_table_gives_each_part_of_the_whole():
    shares = [Share("Citoyen", 3), Share("Industriel", 1), Share("Autre", 0)]

    chart = shares_chart("comptes", "Comptes par profil", "Profil", "comptes", shares)

    assert chart.table.headers == ("Profil", "Comptes", "Part")
    assert chart.table.rows == (
        ("Citoyen", "3", f"75,0{NBSP}%"),
        ("Industriel", "1", f"25,0{NBSP}%"),
        ("Autre", "0", f"0,0{NBSP}%"),
    )
    assert chart.table.total == ("Total", "4", f"100,0{NBSP}%")
    assert chart.series == ("comptes",)
    assert not any(rect.series for rect in chart.rects)


def test_nothing_to_count_gives_an_empty_chart_still_with_its_table():
    chart = shares_chart("x", "Suites données", "Suite", "contributions", [Share("Retenue", 0)])

    assert chart.is_empty
    assert chart.table.rows == (("Retenue", "0", f"0,0{NBSP}%"),)


def test_online_against_email_splits_one_bar_and_names_each_part():
    chart = channel_share_chart("canal", "En ligne ou par courriel", web=3, email=1)

    parts = [rect for rect in chart.rects if rect.height == 36]
    assert [part.width for part in parts] == [charts.WIDTH * 3 / 4, charts.WIDTH / 4]
    lines = [text.text for text in chart.texts]
    assert lines == [f"En ligne : 3 (75,0{NBSP}%)", f"Par courriel : 1 (25,0{NBSP}%)"]
    assert "En ligne : 3" in chart.description
    assert chart.table.total == ("Total", "4", f"100,0{NBSP}%")


def test_weeks_are_stacked_columns_with_a_graduated_axis_and_few_labels():
    first = date(2026, 3, 2)
    weeks = [Week(first + timedelta(weeks=n), n, 1) for n in range(30)]

    chart = timeline_chart("semaines", "Contributions par semaine", weeks)

    week_labels = [text for text in chart.texts if re.fullmatch(r"\d\d/\d\d", text.text)]
    assert 1 < len(week_labels) <= charts.MOST_WEEK_LABELS
    assert week_labels[0].text == "02/03"
    ticks = [int(text.text) for text in chart.texts if text.anchor == "end"]
    assert ticks == [0, 10, 20, 30]
    assert len(chart.rules) == len(ticks)
    assert len(chart.table.rows) == 30
    assert chart.table.rows[29] == ("Semaine du 21/09/2026", "29", "1", "30")
    assert "du 02/03/2026 au 21/09/2026" in chart.description


def test_a_column_stacks_email_on_top_of_online():
    weeks = [Week(date(2026, 3, 2), 6, 2), Week(date(2026, 3, 9), 0, 0)]

    chart = timeline_chart("semaines", "Par semaine", weeks)

    web, email = bars_of(chart, 0), bars_of(chart, 1)
    assert len(web) == len(email) == 1  # an empty week draws nothing
    assert email[0].y + email[0].height == web[0].y
    assert web[0].height == 3 * email[0].height


@given(st.integers(min_value=0, max_value=10**9))
def test_axis_steps_are_round_and_give_at_most_five_intervals(largest):
    step = charts.nice_step(largest)

    assert step * 5 >= largest
    assert str(step).rstrip("0") in {"1", "2", "5"}


def test_long_labels_are_cut_in_the_image_and_whole_in_the_table():
    label = "3. " + "Un titre de chapitre vraiment très long " * 4

    chart = channel_chart("c", "Par chapitre", "Chapitre", [Split(label, 1, 1)])

    drawn = chart.texts[2].text  # after the two legend names
    assert drawn.endswith("…")
    assert len(drawn) * charts.CHAR_WIDTH <= charts.WIDTH
    assert chart.table.rows[0][0] == label


def test_labels_typed_by_people_are_escaped_in_the_image_and_the_table(app):
    label = '<script>alert("x")</script>'
    chart = channel_chart("c", "Par <b>chapitre</b>", "Chapitre", [Split(label, 2, 1)])

    with app.app_context():
        html = render(chart)

    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    # In the drawn label, the description, the two bar tooltips and the table row.
    assert html.count("&lt;script&gt;") == 5


def test_the_image_is_named_by_its_title_and_description_and_followed_by_its_table(app):
    chart = channel_chart("chapitres", "Contributions par chapitre", "Chapitre", [Split("A", 2, 1)])

    with app.app_context():
        html = render(chart)

    assert 'role="img" aria-labelledby="chapitres-titre chapitres-desc"' in html
    assert '<title id="chapitres-titre">Contributions par chapitre</title>' in html
    assert '<desc id="chapitres-desc">Barres horizontales empilées' in html
    assert 'fill="url(#chapitres-motif-1)"' in html
    assert html.index("</svg>") < html.index("<caption>Contributions par chapitre</caption>")
    assert '<th scope="row">A</th><td>2</td><td>1</td><td>3</td>' in html


def test_an_empty_chart_says_so_instead_of_drawing_nothing(app):
    chart = shares_chart("x", "Suites données", "Suite", "contributions", [Share("Retenue", 0)])

    with app.app_context():
        html = render(chart)

    assert "<svg" not in html
    assert "Aucune donnée à représenter pour le moment." in html
    assert '<th scope="row">Retenue</th>' in html
