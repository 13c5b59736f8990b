"""Readers report a contribution (public form); moderators resolve reports and mask passages.

The public form is added to the contributions blueprint, beside the contribution's page, while
its logic stays with moderation, the domain that owns reports.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from consultation.contributions import reading
from consultation.contributions.models import Contribution
from consultation.contributions.services import ContributionRefused
from consultation.contributions.views import bp as contributions_bp
from consultation.core.roles import Role, roles_required
from consultation.extensions import db, limiter
from consultation.moderation import redaction, reports
from consultation.moderation.models import Redaction, Report
from consultation.moderation.report_forms import (
    HideReportedForm,
    RedactionForm,
    ReportForm,
    ResolveForm,
)
from consultation.moderation.views import _refused, bp

REPORT_LIMIT = "10 per minute; 60 per hour"

bp.add_app_template_global(redaction.moderated_at, "moderated_at")
bp.add_app_template_global(reports.resolution_label, "resolution_label")


def _reader() -> str:
    """Who reports, for the rate limit and the reporter key: the account, else the address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return request.remote_addr or "adresse inconnue"


@contributions_bp.route("/contributions/<reference>/signaler", methods=["GET", "POST"])
@limiter.limit(REPORT_LIMIT, methods=["POST"], key_func=_reader)
def report(reference: str):
    contribution = reading.get_by_reference(reference)
    if contribution is None or not contribution.is_published:
        abort(404)
    form = ReportForm()
    if not form.validate_on_submit():
        page = render_template("moderation/report_form.html", contribution=contribution, form=form)
        return page, 422 if form.is_submitted() else 200
    user = current_user if current_user.is_authenticated else None
    try:
        reports.report(contribution, form.charter_reason, form.comment.data or "", _reader(), user)
    except reports.ReportRefused:
        abort(404)  # hidden while the reader was writing
    db.session.commit()
    return render_template("moderation/report_thanks.html", contribution=contribution)


def _open_reports(contribution: Contribution) -> list[Report]:
    return [row for row in reports.reports_of(contribution) if row.resolved_at is None]


def _to_page(contribution: Contribution, message: str):
    flash(message, "success")
    return redirect(url_for(".contribution", contribution_id=contribution.id))


@bp.post("/contributions/<int:contribution_id>/signalements/rien-a-redire")
@roles_required(Role.MODERATOR)
def keep_reported(contribution_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        count = reports.keep(contribution, form.last_report_id.data, current_user)
    except ContributionRefused as refusal:
        return _refused(refusal)
    db.session.commit()
    return _to_page(
        contribution, f"{_reports_closed(count)} : la contribution {contribution.reference} reste."
    )


def _reports_closed(count: int) -> str:
    return f"{count} signalement{'s' if count > 1 else ''} clos"


@bp.route("/contributions/<int:contribution_id>/signalements/masquer", methods=["GET", "POST"])
@roles_required(Role.MODERATOR)
def hide_reported(contribution_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    open_reports = _open_reports(contribution)
    form = HideReportedForm()
    if request.method == "GET":
        form.last_report_id.data = max((row.id for row in open_reports), default=0)
        form.reason.data = open_reports[0].reason if open_reports else None
    elif form.validate_on_submit():
        return _hide(contribution, form)
    page = render_template(
        "moderation/report_hide_form.html",
        contribution=contribution,
        form=form,
        open_reports=open_reports,
    )
    return page, 400 if form.is_submitted() else 200


def _hide(contribution: Contribution, form: HideReportedForm):
    reason, comment = form.charter_reason, form.comment.data or ""
    try:
        count = reports.hide(contribution, reason, comment, form.last_report_id.data, current_user)
    except ContributionRefused as refusal:
        db.session.rollback()
        return _refused(refusal)
    db.session.commit()
    return _to_page(
        contribution,
        f"La contribution {contribution.reference} est masquée ; {_reports_closed(count)}.",
    )


@bp.route("/contributions/<int:contribution_id>/masquer-un-passage", methods=["GET", "POST"])
@roles_required(Role.MODERATOR)
def redact(contribution_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    open_reports = _open_reports(contribution)
    form = RedactionForm()
    if request.method == "GET":
        form.last_report_id.data = max((row.id for row in open_reports), default=0)
        form.resolve_reports.data = bool(open_reports) and "signalements" in request.args
    elif form.validate_on_submit():
        try:
            return _redact(contribution, form)
        except redaction.PassageRefused as refusal:
            db.session.rollback()
            form.passages.errors.append(refusal.message)
        except ContributionRefused as refusal:
            db.session.rollback()
            return _refused(refusal)
    page = render_template(
        "moderation/redaction_form.html",
        contribution=contribution,
        form=form,
        open_reports=open_reports,
        placeholder=redaction.PLACEHOLDER,
    )
    return page, 422 if form.is_submitted() else 200


def _redact(contribution: Contribution, form: RedactionForm):
    passages, reason = form.passage_list, form.charter_reason
    message = f"Le texte de la contribution {contribution.reference} est modifié"
    if form.resolve_reports.data and form.last_report_id.data:
        reports.redact(contribution, passages, reason, form.last_report_id.data, current_user)
        message += " ; ses signalements sont clos"
    else:
        redaction.redact(contribution, passages, reason, current_user)
    db.session.commit()
    return _to_page(contribution, message + ".")


@bp.post("/contributions/<int:contribution_id>/masquages/<int:redaction_id>/annuler")
@roles_required(Role.MODERATOR)
def undo_redaction(contribution_id: int, redaction_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    masked = db.session.get(Redaction, redaction_id)
    if masked is None or masked.contribution_id != contribution.id:
        abort(404)
    try:
        redaction.undo(contribution, masked)
    except ContributionRefused as refusal:
        return _refused(refusal)
    db.session.commit()
    return _to_page(
        contribution,
        f"Le texte de la contribution {contribution.reference} est rétabli tel qu’il était "
        "avant cette modification.",
    )
