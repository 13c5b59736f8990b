"""Back-office screens for the staff's second factor: who has enrolled, and resetting one.

A reset (lost phone and recovery codes) forgets the app and the codes and ends the person's
sessions; they enrol a new app at their next sign-in. The rules live in `accounts.mfa`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from consultation.accounts import mfa
from consultation.accounts.forms import ActionForm
from consultation.accounts.models import User
from consultation.admin.views import bp
from consultation.core.roles import admin_required
from consultation.extensions import db


@bp.get("/second-facteur")
@admin_required
def second_factors():
    return render_template("admin/mfa_staff.html", rows=mfa.staff_factors())


@bp.route("/utilisateurs/<int:user_id>/second-facteur/reinitialiser", methods=["GET", "POST"])
@admin_required
def reset_second_factor(user_id: int):
    """GET asks for confirmation; only the POST form, with its CSRF token, resets."""
    user = db.get_or_404(User, user_id)
    if not user.is_staff:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template(
            "admin/mfa_reset.html",
            form=form,
            person=user,
            is_enrolled=mfa.is_enrolled(user),
            recovery_code_count=mfa.recovery_code_count(user),
        )
    mfa.reset_second_factor(user)
    db.session.commit()
    flash(
        f"Le second facteur de {user.email} est réinitialisé et ses sessions sont fermées : "
        "une nouvelle application lui sera demandée à sa prochaine connexion.",
        "success",
    )
    return redirect(url_for(".second_factors"))
