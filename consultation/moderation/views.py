"""Moderators' screens: for now, the contributions waiting to be published."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from consultation.contributions import reading, services
from consultation.contributions.models import Contribution, Status
from consultation.core.roles import Role, roles_required
from consultation.extensions import db

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.get("/")
@roles_required(Role.MODERATOR)
def index():
    return render_template("moderation/index.html", contributions=reading.pending_queue())


@bp.post("/contributions/<int:contribution_id>/publier")
@roles_required(Role.MODERATOR)
def publish(contribution_id: int):
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        abort(404)
    if contribution.status != Status.PENDING:
        flash(f"La contribution {contribution.reference} n’est plus en attente.", "warning")
        return redirect(url_for(".index"))
    services.publish(contribution)
    db.session.commit()
    flash(
        f"La contribution {contribution.reference} est publiée ; son auteur est prévenu.", "success"
    )
    return redirect(url_for(".index"))


# The mail screens add their routes to this blueprint.
from consultation.moderation import mail_views  # noqa: E402, F401

# The official answers add their routes to this blueprint.
from consultation.moderation import answer_views  # noqa: E402, F401
