"""Blueprint "statistics": the public statistics page and the analysts' dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, render_template, request, url_for
from sqlalchemy import select

from consultation.core.clock import now
from consultation.core.roles import Role, roles_required
from consultation.extensions import db
from consultation.publication.models import Consultation
from consultation.publication.services import get_consultation_or_404
from consultation.statistics.dashboard_forms import DashboardFilterForm
from consultation.statistics.figures import Scope
from consultation.statistics.page_figures import public_figures, staff_figures

bp = Blueprint("statistics", __name__)

#: Export screens built beside the dashboard, by endpoint (taking the consultation's slug):
#: the dashboard links to those the application has.
EXPORT_LINKS = (
    ("exports.index", "Classeur de synthèse (Excel)"),
    ("opendata.page", "Données ouvertes (CSV, JSON)"),
)


@dataclass(frozen=True)
class ExportLink:
    url: str
    label: str


@bp.get("/consultations/<slug>/statistiques")
def page(slug: str):
    """Published figures only; nothing before the first batch is out (like its chapters)."""
    at = now()
    consultation = get_consultation_or_404(slug)
    if not consultation.published_batches(at):
        abort(404)
    return render_template(
        "statistics/page.html",
        consultation=consultation,
        figures=public_figures(Scope(consultation)),
        at=at,
    )


@bp.get("/analyse/")
@roles_required(Role.ANALYST)
def index():
    query = select(Consultation).order_by(Consultation.opens_at.desc(), Consultation.id)
    consultations = list(db.session.scalars(query))
    return render_template("statistics/dashboard_index.html", consultations=consultations, at=now())


@bp.get("/analyse/<slug>")
@roles_required(Role.ANALYST)
def dashboard(slug: str):
    consultation = get_consultation_or_404(slug)
    form = DashboardFilterForm(consultation, request.args)
    return render_template(
        "statistics/dashboard.html",
        consultation=consultation,
        form=form,
        figures=staff_figures(form.scope()),
        exports=_export_links(consultation),
        at=now(),
    )


def _export_links(consultation: Consultation) -> list[ExportLink]:
    return [
        ExportLink(url_for(endpoint, slug=consultation.slug), label)
        for endpoint, label in EXPORT_LINKS
        if endpoint in current_app.view_functions
    ]
