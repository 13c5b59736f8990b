"""Moderators import official answers from a workbook; analysts and moderators download its
template, pre-filled with the contributions awaiting an answer."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from consultation.core.roles import Role, roles_required
from consultation.extensions import db
from consultation.moderation import answer_import
from consultation.moderation.answer_forms import AnswerImportForm
from consultation.moderation.answer_import import ImportPlan, WorkbookRefused
from consultation.moderation.answer_template import template_workbook
from consultation.moderation.answers import AnswerRefused
from consultation.moderation.models import Disposition
from consultation.moderation.views import bp
from consultation.publication.models import Consultation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/reponses/import", methods=["GET", "POST"])
@roles_required(Role.MODERATOR)
def import_answers():
    form = AnswerImportForm()
    if not form.validate_on_submit():
        return _page(form), 422 if form.is_submitted() else 200
    upload = form.workbook.data
    try:
        rows = answer_import.read_rows(upload.read(answer_import.MAX_FILE_BYTES + 1))
    except WorkbookRefused as refusal:
        form.workbook.errors.append(refusal.message)
        return _page(form), 422
    plan = answer_import.check(
        rows, publish=form.mode.data == "publish", replace=bool(form.replace.data)
    )
    if not plan.is_valid or form.is_dry_run:
        return _page(form, plan), 200 if plan.is_valid else 422
    try:
        answer_import.apply(plan, current_user, upload.filename or "classeur.xlsx")
    except AnswerRefused as refusal:
        db.session.rollback()
        form.workbook.errors.append(refusal.message)
        return _page(form), 409
    db.session.commit()
    flash(_done(plan), "success")
    return redirect(url_for(".import_answers"))


def _page(form: AnswerImportForm, plan: ImportPlan | None = None) -> str:
    consultations = db.session.scalars(select(Consultation).order_by(Consultation.title)).all()
    return render_template(
        "moderation/answer_import.html",
        form=form,
        plan=plan,
        consultations=consultations,
        disposition_labels=[disposition.label for disposition in Disposition],
    )


def _done(plan: ImportPlan) -> str:
    published, drafts = len(plan.publications), len(plan.drafts)
    return (
        f"Classeur importé : {published} réponse{'s' * (published > 1)} publiée"
        f"{'s' * (published > 1)}, {drafts} brouillon{'s' * (drafts > 1)} enregistré"
        f"{'s' * (drafts > 1)}."
    )


@bp.get("/reponses/modele.xlsx")
@roles_required(Role.MODERATOR, Role.ANALYST)
def answer_template():
    """The template of the import, with the consultation's contributions awaiting an answer."""
    consultation = db.session.get(Consultation, request.args.get("concertation", 0, type=int))
    if consultation is None:
        abort(404)
    return send_file(
        template_workbook(consultation),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"reponses-{consultation.slug}.xlsx",
    )
