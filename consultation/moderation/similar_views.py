"""A group of near-identical contributions, for moderators: who is in it, why, and what to do.

The moderator answers the whole group at once (the campaign form), tags it with a theme, or takes
out a contribution that does not belong (a false positive: `flask contributions group-similar`
will not put it back).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for

from consultation.contributions import minhash, similarity, themes
from consultation.contributions.models import Contribution
from consultation.contributions.similar_groups import (
    group_members,
    group_size,
    similarity_to_first,
)
from consultation.core.roles import Role, roles_required
from consultation.extensions import db
from consultation.moderation.contribution_views import contribution_panel
from consultation.moderation.theme_forms import BulkTagForm
from consultation.moderation.views import bp

#: The page answering several contributions at once, built by the official answers' module.
CAMPAIGN_ENDPOINT = "moderation.campaign"


@bp.get("/similaires/<int:group_id>")
@roles_required(Role.MODERATOR)
def similar_group(group_id: int):
    members = group_members(group_id)
    if not members:
        abort(404)
    return render_template(
        "moderation/similar_group.html",
        group_id=group_id,
        members=members,
        similarities=similarity_to_first(members),
        threshold=round(minhash.THRESHOLD * 100),
        campaign_url=_campaign_url(group_id),
        tag_form=_tag_form(members[0].consultation_id),
    )


def _campaign_url(group_id: int) -> str | None:
    """The campaign page for the whole group, named by its id: a group of thousands would not
    fit in a query string of contribution ids."""
    if CAMPAIGN_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(CAMPAIGN_ENDPOINT, groupe=group_id)


def _tag_form(consultation_id: int) -> BulkTagForm | None:
    """The form tagging the whole group, for those who may tag (moderators, analysts)."""
    offered = themes.themes_of(consultation_id)
    if not offered:
        return None
    form = BulkTagForm(formdata=None)
    form.offer(offered)
    return form


@bp.post("/similaires/<int:group_id>/retirer/<int:contribution_id>")
@roles_required(Role.MODERATOR)
def leave_similar_group(group_id: int, contribution_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    if contribution.duplicate_group_id != group_id:
        flash(
            f"La contribution {contribution.reference} ne fait plus partie de ce groupe : "
            "la page a changé depuis son affichage.",
            "warning",
        )
        return render_template("moderation/similar_conflict.html", group_id=group_id), 409
    remaining = similarity.leave_group(contribution)
    db.session.commit()
    flash(
        f"La contribution {contribution.reference} est retirée du groupe ; "
        "le regroupement automatique ne l’y remettra pas.",
        "success",
    )
    if remaining is None:
        return redirect(url_for(".contribution", contribution_id=contribution.id))
    return redirect(url_for(".similar_group", group_id=remaining))


@contribution_panel
def similar_panel(contribution: Contribution):
    """The "Contributions similaires" panel of the staff page, when it belongs to a group."""
    if contribution.duplicate_group_id is None:
        return None
    size = group_size(contribution.duplicate_group_id)
    return "moderation/similar_panel.html", {"others": size - 1}
