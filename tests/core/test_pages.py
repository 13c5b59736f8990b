"""What every page shares: French error pages, security headers, CSRF, the sanitiser."""

from __future__ import annotations

from contextlib import contextmanager

from consultation.core.sanitize import clean_document, strip_tags
from consultation.publication import services
from tests.factories import PASSWORD


@contextmanager
def config(app, **values):
    previous = {key: app.config.get(key) for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(previous)


def test_an_unknown_page_gets_the_french_404_page_with_security_headers(client):
    response = client.get("/nulle-part")

    assert response.status_code == 404
    assert "Page non trouvée" in response.text
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unexpected_error_gets_a_generic_french_500_page(app, client, monkeypatch):
    def broken(_at):
        raise RuntimeError("détail interne à ne pas montrer")

    monkeypatch.setattr(services, "consultations_by_status", broken)
    with config(app, PROPAGATE_EXCEPTIONS=False):
        response = client.get("/")

    assert response.status_code == 500
    assert "Erreur inattendue" in response.text
    assert "détail interne" not in response.text


def test_every_page_refuses_inline_scripts_and_plugins(client):
    policy = client.get("/").headers["Content-Security-Policy"]

    assert "'unsafe-inline'" not in policy
    assert "object-src 'none'" in policy
    assert "base-uri 'none'" in policy


def test_a_form_posted_without_its_csrf_token_is_refused(app, client, make_user):
    user = make_user()

    with config(app, WTF_CSRF_ENABLED=True):
        response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 400
    assert "Requête invalide" in response.text
    assert "Se déconnecter" not in client.get("/").text


def test_the_sanitiser_keeps_document_structure_and_drops_active_content():
    html = (
        '<h2 id="a" onclick="x()">Titre</h2><p style="color:red">Texte '
        '<a href="javascript:x()">lien</a>'
        '<img src=x onerror=alert(1)><iframe src="https://evil.example"></iframe></p>'
    )

    cleaned = str(clean_document(html))

    assert cleaned == '<h2 id="a">Titre</h2><p>Texte <a>lien</a></p>'


def test_plain_text_of_html_has_no_tags_and_no_entities():
    assert strip_tags("<p>Santé &amp; <b>numérique</b></p>") == "Santé & numérique"
