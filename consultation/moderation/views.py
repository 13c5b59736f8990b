"""Moderators' screens: the queue of contributions and the charter decisions on each one."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from consultation.contributions import services
from consultation.contributions.models import Contribution, Status
from consultation.contributions.services import ContributionRefused
from consultation.core.roles import Role, roles_required
from consultation.extensions import db
from consultation.moderation import decisions, queue, queue_counts, reports
from consultation.moderation.forms import DecisionForm
from consultation.moderation.queue_forms import QueueFilterForm

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

#: What each decision with a reason does, for its form page.
REASONED = {
    "refuser": (
        decisions.refuse,
        "Refuser la contribution",
        "est refusée ; son auteur est prévenu",
    ),
    "masquer": (
        lambda contribution, reason, comment: reports.hide_with_open_reports(
            contribution, reason, comment, current_user
        ),
        "Masquer la contribution",
        "est masquée du public",
    ),
}
REASONED_ENDPOINTS = {"refuser": "refuse", "masquer": "hide"}


bp.add_app_template_global(decisions.describe_reason, "describe_reason")


@bp.app_template_global()
def moderation_placeholder(contribution: Contribution) -> str | None:
    """The public placeholder of a hidden contribution, or None when its text may be shown."""
    if contribution.status != Status.HIDDEN:
        return None
    if current_user.is_authenticated and current_user.role in (Role.MODERATOR, Role.ADMIN):
        return None
    return decisions.describe_reason(contribution.status_reason)


@bp.get("/")
@roles_required(Role.MODERATOR)
def index():
    """The queue: one view (tab) under the filters, page by page, with the count of each view."""
    form = QueueFilterForm(request.args)
    filters = form.queue_filter()
    return render_template(
        "moderation/index.html",
        form=form,
        filters=filters,
        views=list(queue.View),
        page=queue.queue_page(filters, after=request.args.get("apres")),
        counts=queue_counts.counts(filters),
        campaign_endpoint=_existing_endpoint("moderation.campaign"),
        similar_endpoint=_existing_endpoint("moderation.similar_group"),
    )


def _existing_endpoint(endpoint: str) -> str | None:
    """The endpoint when the application has it: the queue links to screens built beside it."""
    return endpoint if endpoint in current_app.view_functions else None


def _contribution_or_404(contribution_id: int) -> Contribution:
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        abort(404)
    return contribution


def _back_to_queue():
    """Back to the queue page the decision was taken from (only a page of the queue)."""
    target = request.form.get("retour", "")
    if not target.startswith(url_for(".index")):
        target = url_for(".index")
    return redirect(target)


def _refused(refusal: ContributionRefused):
    """A decision someone else took first: said in French, with 409 Conflict."""
    flash(refusal.message, "warning")
    return render_template("moderation/decision_conflict.html"), 409


def _apply(contribution: Contribution, decide, done: str):
    try:
        decide()
    except ContributionRefused as refusal:
        return _refused(refusal)
    db.session.commit()
    flash(f"La contribution {contribution.reference} {done}.", "success")
    return _back_to_queue()


@bp.post("/contributions/<int:contribution_id>/publier")
@roles_required(Role.MODERATOR)
def publish(contribution_id: int):
    contribution = _contribution_or_404(contribution_id)
    if contribution.status != Status.PENDING:
        return _refused(
            ContributionRefused(f"La contribution {contribution.reference} n’est plus en attente.")
        )
    return _apply(
        contribution, lambda: services.publish(contribution), "est publiée ; son auteur est prévenu"
    )


@bp.post("/contributions/<int:contribution_id>/retablir")
@roles_required(Role.MODERATOR)
def restore(contribution_id: int):
    contribution = _contribution_or_404(contribution_id)
    return _apply(contribution, lambda: decisions.restore(contribution), "est de nouveau publiée")


@bp.route("/contributions/<int:contribution_id>/refuser", methods=["GET", "POST"])
@roles_required(Role.MODERATOR)
def refuse(contribution_id: int):
    return _reasoned_decision(contribution_id, "refuser")


@bp.route("/contributions/<int:contribution_id>/masquer", methods=["GET", "POST"])
@roles_required(Role.MODERATOR)
def hide(contribution_id: int):
    return _reasoned_decision(contribution_id, "masquer")


def _reasoned_decision(contribution_id: int, decision: str):
    """The form of a decision that needs a reason (GET), then the decision itself (POST)."""
    contribution = _contribution_or_404(contribution_id)
    action, title, done = REASONED[decision]
    form = DecisionForm()
    if form.validate_on_submit():
        reason, comment = form.charter_reason, form.comment.data or ""
        return _apply(contribution, lambda: action(contribution, reason, comment), done)
    page = render_template(
        "moderation/decision_form.html",
        contribution=contribution,
        form=form,
        title=title,
        endpoint=f"moderation.{REASONED_ENDPOINTS[decision]}",
    )
    return page, 400 if form.is_submitted() else 200


# The mail screens add their routes to this blueprint.
from consultation.moderation import mail_views  # noqa: E402, F401

# isort: split
# The official answers add their routes to this blueprint.
from consultation.moderation import answer_views  # noqa: E402, F401

# isort: split
# The staff page of a contribution, readers' reports and redactions add their routes here too.
from consultation.moderation import contribution_views, report_views  # noqa: E402, F401

# isort: split
# Themes, and groups of near-identical contributions, add their routes and panels here too.
from consultation.moderation import similar_views, theme_views  # noqa: E402, F401
