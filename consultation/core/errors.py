"""Error pages in French for every HTTP error, and the refusal that services raise."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException


class Refused(Exception):
    """An action that a rule refuses; `message` tells people why, in French.

    Services raise a subclass named after their domain (ContributionRefused, AnswerRefused…);
    views show the message, usually beside the field at fault, and commit nothing.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
