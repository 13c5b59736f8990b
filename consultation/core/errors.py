"""Error pages in French, for every HTTP error the application can raise."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

TITLES = {
    400: "Requête invalide",
    403: "Accès refusé",
    404: "Page non trouvée",
    405: "Méthode non autorisée",
    413: "Fichier trop volumineux",
    429: "Trop de requêtes",
    500: "Erreur inattendue",
}


def _render(code: int, description: str | None = None) -> tuple[str, int]:
    title = TITLES.get(code, "Erreur")
    return render_template(
        "errors/error.html", code=code, title=title, description=description
    ), code


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render(error.code)

    @app.errorhandler(500)
    def server_error(_error: Exception):
        return _render(500)
