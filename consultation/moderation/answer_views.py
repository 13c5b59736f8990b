"""Moderators' screens for official answers: the contributions awaiting one, and the answer form."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from consultation.contributions.models import Contribution
from consultation.core.roles import Role, roles_required
from consultation.extensions import db
from consultation.moderation import answers
from consultation.moderation.answer_forms import AnswerForm
from consultation.moderation.answers import AnswerRefused
from consultation.moderation.views import bp


@bp.get("/a-repondre")
@roles_required(Role.MODERATOR)
def awaiting_answer():
    return render_template("moderation/answer_queue.html", contributions=answers.awaiting_answer())


@bp.route("/contributions/<int:contribution_id>/reponse", methods=["GET", "POST"])
@roles_required(Role.MODERATOR)
def answer(contribution_id: int):
    contribution = db.get_or_404(Contribution, contribution_id)
    existing = answers.answer_of(contribution)
    form = AnswerForm(obj=existing)
    if form.validate_on_submit():
        try:
            return _record(contribution, form)
        except AnswerRefused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "moderation/answer_form.html", contribution=contribution, answer=existing, form=form
    ), status


def _record(contribution: Contribution, form: AnswerForm):
    text = form.answer_text()
    if form.publish.data:
        answers.publish(contribution, text, current_user)
        message = f"La réponse à la contribution {contribution.reference} est publiée."
    else:
        answers.save_draft(contribution, text, current_user)
        message = f"Le brouillon de la réponse à {contribution.reference} est enregistré."
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".answer", contribution_id=contribution.id))
