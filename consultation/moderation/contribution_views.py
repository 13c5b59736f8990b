"""The staff page of one contribution: everything a moderator needs to decide, in one place.

Other modules add panels to it (themes, similar contributions…) without editing this one:

    @contribution_panel
    def themes_panel(contribution):
        return "moderation/panels/themes.html", {"themes": ...}

The template is included in the page's `extra_panels` block with the contribution and that
context; a panel returning None is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import render_template, url_for
from flask_login import current_user

from consultation.contributions.models import Contribution
from consultation.core.roles import Role, roles_required
from consultation.extensions import db
from consultation.moderation import answers, redaction, reports
from consultation.moderation.views import bp

PanelSource = Callable[[Contribution], "tuple[str, dict[str, Any]] | None"]
#: Functions giving an extra panel of the staff page: (template, context) or None.
PANEL_SOURCES: list[PanelSource] = []


def contribution_panel(source: PanelSource) -> PanelSource:
    """Register a panel of the staff page of a contribution (see the module's docstring)."""
    PANEL_SOURCES.append(source)
    return source


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def _panels(contribution: Contribution) -> list[Panel]:
    found = (source(contribution) for source in PANEL_SOURCES)
    return [Panel(template, context) for template, context in filter(None, found)]


@bp.app_template_global()
def staff_contribution_url(contribution: Contribution) -> str | None:
    """The link to the staff page of a contribution, for moderators and admins only."""
    if not current_user.is_authenticated or current_user.role not in (Role.MODERATOR, Role.ADMIN):
        return None
    return url_for("moderation.contribution", contribution_id=contribution.id)


@bp.get("/contributions/<int:contribution_id>")
@roles_required(Role.MODERATOR)
def contribution(contribution_id: int):
    item = db.get_or_404(Contribution, contribution_id)
    all_reports = reports.reports_of(item)
    open_reports = [report for report in all_reports if report.resolved_at is None]
    return render_template(
        "moderation/contribution.html",
        contribution=item,
        answer=answers.answer_of(item),
        open_reports=open_reports,
        resolved_reports=[report for report in all_reports if report.resolved_at is not None],
        last_report_id=max((report.id for report in open_reports), default=0),
        original=redaction.original_text(item) if item.redactions else None,
        text_history=redaction.history(item) if item.redactions else [],
        panels=_panels(item),
    )
