"""Legal pages: accessibility statement, legal notice, personal data, moderation charter."""

from flask import Blueprint, render_template

bp = Blueprint("legal", __name__)

PAGES = {
    "accessibilite": "Déclaration d’accessibilité",
    "mentions-legales": "Mentions légales",
    "donnees-personnelles": "Données personnelles",
    "charte-de-moderation": "Charte de modération",
}


def page(name: str):
    return render_template(f"legal/{name}.html", title=PAGES[name], name=name)


for _name in PAGES:
    bp.add_url_rule(f"/{_name}", endpoint="page", view_func=page, defaults={"name": _name})
