"""Admins read the audit trail at /admin/journal: newest first, filtered, by pages, or as CSV."""

from __future__ import annotations

import ast
import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from consultation.admin import audit_reading
from consultation.admin.audit_labels import ACTION_LABELS
from consultation.config import ROOT
from consultation.core.audit import AuditEvent
from consultation.extensions import db
from tests.audit_events import events, recorded

JOURNAL = "/admin/journal"
EXPORT = "/admin/journal/export.csv"


def add_event(**values: object) -> AuditEvent:
    """An event as an action would have recorded it; the defaults are a moderator's refusal."""
    defaults = {
        "occurred_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        "actor_label": "moderatrice@exemple.fr",
        "action": "contribution.refuse",
        "object_type": "contribution",
        "object_id": "999999",
        "object_label": "DNS2026-0001",
        "before": {"status": "pending"},
        "after": {"status": "rejected"},
    }
    event = AuditEvent(**(defaults | values))
    db.session.add(event)
    db.session.flush()
    return event


def visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_journal_shows_newest_first_in_french_with_the_change(client, admin, make_contribution):
    contribution = make_contribution()
    add_event(object_label="OBJ-1", occurred_at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    add_event(
        object_label=contribution.reference,
        object_id=str(contribution.id),
        action="contribution.hide",
        before={"status": "published", "status_reason": None},
        after={"status": "hidden", "status_reason": "injurieux: Insultes"},
        occurred_at=datetime(2026, 3, 2, 8, 30, tzinfo=UTC),
    )

    response = client.get(JOURNAL)

    text = visible_text(response.text)
    assert response.status_code == 200
    assert "<h1>Journal d’audit</h1>" in response.text
    assert "2 événements au journal." in text
    assert text.index(contribution.reference) < text.index("OBJ-1")
    assert "2 mars 2026 à 9 h 30" in text  # Paris time
    assert "Contribution masquée" in text
    assert "moderatrice@exemple.fr" in text
    assert f'href="/contributions/{contribution.reference}"' in response.text
    assert (
        "Statut : Publiée devient Masquée Motif : (vide) devient "
        "Propos injurieux ou diffamatoires (Insultes)"
    ) in text.replace("→ ", "")


def test_an_object_that_no_longer_exists_is_shown_without_a_link(client, admin):
    add_event(object_type="batch", object_id="424242", action="batch.delete", object_label="Lot 9")

    page = client.get(JOURNAL).text

    assert "Lot 9" in page
    assert "/admin/lots/424242" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("acteur=ANALYSTE", ["OBJ-2"]),
        ("acteur=ligne+de+commande", ["OBJ-3"]),
        ("action=profile.edit", ["OBJ-2"]),
        ("type=inboundmessage", ["OBJ-3"]),
        ("objet=obj-1", ["OBJ-1"]),
        ("objet=77", ["OBJ-3"]),
        ("du=2026-03-01", ["OBJ-3", "OBJ-2"]),
        ("au=2026-02-28", ["OBJ-1"]),
        ("du=2026-03-01&au=2026-03-01", ["OBJ-2"]),
        ("acteur=exemple&action=contribution.refuse", ["OBJ-1"]),
    ],
)
def test_filters_narrow_the_journal(client, admin, query, expected):
    # 28 Feb 23:30 in Paris, 1 Mar 23:30 in Paris (22:30 UTC), 2 Mar 10:00 in Paris.
    add_event(object_label="OBJ-1", occurred_at=datetime(2026, 2, 28, 22, 30, tzinfo=UTC))
    add_event(
        object_label="OBJ-2",
        actor_label="analyste@exemple.fr",
        action="profile.edit",
        object_type="profile",
        occurred_at=datetime(2026, 3, 1, 22, 30, tzinfo=UTC),
    )
    add_event(
        object_label="OBJ-3",
        actor_label="ligne de commande",
        action="mail.refuse",
        object_type="inboundmessage",
        object_id="77",
    )

    page = client.get(f"{JOURNAL}?{query}").text

    assert re.findall(r"OBJ-\d", page) == expected
    count = len(expected)
    assert f"{count} événement{'s correspondent' if count > 1 else ' correspond'} aux" in page


def test_the_filters_stay_filled_in_and_a_link_clears_them(client, admin):
    page = client.get(f"{JOURNAL}?acteur=lea&action=mail.refuse&type=inboundmessage&du=2026-03-01")

    assert 'name="acteur" value="lea"' in page.text
    assert '<option value="mail.refuse" selected>Courriel refusé</option>' in page.text
    assert '<option value="inboundmessage" selected>Courriel</option>' in page.text
    assert 'name="du" value="2026-03-01"' in page.text
    assert "Effacer les filtres" in page.text


def test_the_journal_is_read_page_by_page_without_gaps_or_repeats(client, admin):
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for number in range(1, 121):
        # Events two by two at the same instant: the id breaks the tie.
        add_event(object_label=f"OBJ-{number}", occurred_at=moment + timedelta(seconds=number // 2))
    seen, url = [], JOURNAL
    while url:
        page = client.get(url).text
        seen += re.findall(r"OBJ-\d+", page)
        next_link = re.search(r'href="([^"]*apres=[^"]*)">Événements plus anciens', page)
        url = next_link.group(1).replace("&amp;", "&") if next_link else None

    assert seen == [f"OBJ-{number}" for number in range(120, 0, -1)]
    assert "120 événements au journal." in page
    assert "Revenir aux plus récents" in page


def test_a_large_count_stops_at_its_limit_and_says_so(client, admin, monkeypatch):
    monkeypatch.setattr(audit_reading, "COUNT_LIMIT", 55)
    for number in range(1, 61):
        add_event(object_label=f"OBJ-{number}")

    page = client.get(JOURNAL).text

    assert "Plus de 55 événements au journal." in page
    assert "Télécharger ces événements (CSV)" in page


def test_an_empty_result_says_so(client, admin):
    add_event()

    page = client.get(f"{JOURNAL}?acteur=personne").text

    assert "Aucun événement ne correspond aux filtres." in page
    assert "Télécharger" not in page


def test_paging_keeps_the_filters(client, admin):
    for number in range(1, 56):
        add_event(object_label=f"OBJ-{number}", occurred_at=datetime(2026, 3, 1, tzinfo=UTC))
    add_event(object_label="AUTRE", action="mail.release", object_type="inboundmessage")

    first = client.get(f"{JOURNAL}?action=contribution.refuse").text
    next_url = re.search(r'href="([^"]*apres=[^"]*)"', first).group(1).replace("&amp;", "&")
    second = client.get(next_url).text

    assert "action=contribution.refuse" in next_url
    assert len(re.findall(r"OBJ-\d+", second)) == 5
    assert "AUTRE" not in first + second


MALFORMED = [
    "du=2026-13-45",
    "du=0001-01-01&au=9999-12-31",
    "du=02/03/2026",
    "au=2026-03-02T10:00",
    "apres=n-importe-quoi",
    "apres=2026-03-02T09:00:00~1",
    "apres=2026-03-02T09:00:00%2B00:00~99999999999999999999999",
    "apres=9999-12-31T23:59:59%2B14:00~1",
    "apres=0001-01-01T00:00:00%2B14:00~1",
    "action=%3Cscript%3E",
    "action=contribution.refuse&action=mail.refuse",
    "type=AuditEvent",
    "acteur=%00%01",
    "objet=%25_%5C",
    "objet=" + "x" * 5000,
    "acteur=%FF%FE",
    "inconnu=1",
]


@pytest.mark.parametrize("query", MALFORMED)
def test_malformed_parameters_are_ignored_never_an_error(client, admin, query):
    add_event(object_label="OBJ-1")

    response = client.get(f"{JOURNAL}?{query}")

    assert response.status_code == 200
    assert "Journal d’audit" in response.text


def test_a_search_text_matches_literally_not_as_a_pattern(client, admin):
    add_event(object_label="OBJ-1 taux 100%")
    add_event(object_label="OBJ-2 taux 1000")

    page = client.get(f"{JOURNAL}?objet=100%25").text

    assert re.findall(r"OBJ-\d", page) == ["OBJ-1"]


def test_a_label_holding_html_is_shown_as_text(client, admin):
    add_event(object_label='<script>alert("x")</script>', actor_label="<b>moi</b>@exemple.fr")

    page = client.get(JOURNAL).text

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "&lt;b&gt;moi&lt;/b&gt;@exemple.fr" in page


@pytest.mark.parametrize("role", ["moderator", "analyst", "contributor"])
def test_only_admins_read_or_export_the_journal(client, login, role):
    add_event()
    login(role=role)

    page, export = client.get(JOURNAL), client.post(EXPORT)

    assert (page.status_code, export.status_code) == (403, 403)
    assert "moderatrice@exemple.fr" not in page.text + export.text
    assert len(events()) == 1


def test_a_visitor_is_sent_to_the_login_page(client, database):
    response = client.get(JOURNAL)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_the_admin_home_links_to_the_journal(client, admin):
    page = client.get("/admin/").text

    assert 'href="/admin/journal"' in page


# CSV


def read_csv(response) -> list[list[str]]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_csv_holds_the_filtered_events_and_the_export_is_recorded(client, clock, admin):
    add_event(object_label="OBJ-1", before=None, after={"title": "Titre"})
    add_event(object_label="OBJ-2", actor_label="analyste@exemple.fr")

    response = client.post(EXPORT, data={"acteur": "moderatrice", "objet": "OBJ"})

    header, *rows = read_csv(response)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="journal-audit-20260302-1000.csv"'
    )
    assert header[:4] == ["Date (heure de Paris)", "Acteur", "Action", "Libellé de l’action"]
    assert rows == [
        [
            "2026-03-02T10:00:00+01:00",
            "moderatrice@exemple.fr",
            "contribution.refuse",
            "Contribution refusée",
            "contribution",
            "999999",
            "OBJ-1",
            "",
            '{"title": "Titre"}',
            "",
        ]
    ]
    export = recorded("audit.export")
    assert (export.actor_label, export.object_type) == (admin.email, "journal")
    assert export.after == {
        "filters": {"acteur": "moderatrice", "objet": "OBJ"},
        "event_count": 1,
    }


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_no_csv_cell_starts_a_spreadsheet_formula(client, admin, start):
    add_event(object_label=f'{start}HYPERLINK("http://exemple.org")', actor_label=f"{start}1+1")

    [_, row] = read_csv(client.post(EXPORT, data={"objet": "HYPERLINK"}))

    assert row[1] == f"'{start}1+1"
    assert row[6] == f'\'{start}HYPERLINK("http://exemple.org")'


def test_the_csv_ignores_malformed_filters_and_holds_its_own_export(client, clock, admin):
    add_event(object_label="OBJ-1")

    response = client.post(EXPORT, data={"du": "demain", "action": "DROP TABLE", "type": "%00"})

    _, *rows = read_csv(response)
    assert [row[6] for row in rows] == ["Journal d’audit", "OBJ-1"]
    assert recorded("audit.export").after == {"filters": {}, "event_count": 1}


def test_the_csv_is_not_downloaded_by_a_plain_link(client, admin):
    response = client.get(EXPORT)

    assert response.status_code == 405
    assert events() == []


# Every action has its words


ACTION_CODE = re.compile(r"[a-z_]+\.[a-z_]+")


def recorded_action_codes(endpoints: set[str]) -> set[str]:
    """The "<object>.<verb>" strings passed first to a call in the modules that record events
    (to audit.record or to a helper of theirs), the endpoints of url_for() left out."""
    codes = set()
    for path in (ROOT / "consultation").rglob("*.py"):
        source = Path(path).read_text(encoding="utf-8")
        if "audit.record" not in source:
            continue
        tree = ast.parse(source)
        constants = _string_constants(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args and not _is_foreign_key(node):
                codes |= _strings_of(node.args[0], constants)
    return {code for code in codes if ACTION_CODE.fullmatch(code)} - endpoints


def _is_foreign_key(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == "ForeignKey"


def _string_constants(tree: ast.AST) -> dict[str, set[str]]:
    """Every name assigned a string (or one of two strings) anywhere in the module."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs = (
                zip(target.elts, node.value.elts, strict=False)
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                else [(target, node.value)]
            )
            for name, value in pairs:
                if isinstance(name, ast.Name):
                    found.setdefault(name.id, set()).update(_strings_of(value, {}))
    return found


def _strings_of(node: ast.AST, constants: dict[str, set[str]]) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings_of(node.body, constants) | _strings_of(node.orelse, constants)
    if isinstance(node, ast.Name):
        return constants.get(node.id, set())
    return set()


def test_every_action_the_code_records_has_a_french_label(app):
    codes = recorded_action_codes(set(app.view_functions))

    assert {"contribution.refuse", "mail.publish", "chapter.edit", "audit.export"} <= codes
    assert sorted(code for code in codes if code not in ACTION_LABELS) == []
