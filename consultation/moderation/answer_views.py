"""Moderators' screens for official answers: the contributions awaiting one, the answer form,
and the campaign that gives one answer to several contributions at once."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from consultation.contributions.models import Contribution
from consultation.core.roles import Role, roles_required
from consultation.extensions import db
from consultation.moderation import answers, campaigns, citations
from consultation.moderation.answer_forms import AnswerForm, CampaignForm
from consultation.moderation.answers import AnswerRefused
from consultation.moderation.campaigns import CampaignRefused, Selection
from consultation.moderation.models import AnswerCitation
from consultation.moderation.views import bp


@bp.app_template_global()
def citation_url(citation: AnswerCitation) -> str:
    """Where a cited section of the final text is read: the one place to change when the final
    text gets pages of its own (issue 7)."""
    chapter = citation.chapter_version.chapter
    return url_for(
        "publication.chapter",
        slug=chapter.consultation.slug,
        number=chapter.number,
        _anchor=citation.section_anchor,
    )


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
    citable = citations.citable_sections(contribution.consultation)
    form.offer_sections(citable)
    if not form.is_submitted():
        form.sections.data = citations.keys_of(existing)
    elif form.validate():
        try:
            return _record(contribution, form)
        except AnswerRefused as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "moderation/answer_form.html",
        contribution=contribution,
        answer=existing,
        form=form,
        chapters=citations.by_chapter(citable),
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


@bp.route("/reponses/campagne", methods=["GET", "POST"])
@roles_required(Role.MODERATOR)
def campaign():
    """GET ?contribution=1&contribution=2… or ?groupe=N: the selection and one answer form;
    POST: answer all."""
    source = request.form if request.method == "POST" else request.args
    try:
        selection = _selection(source)
    except CampaignRefused as refusal:
        return render_template("moderation/campaign.html", selection=None, refusal=refusal), 400
    form = CampaignForm()
    citable = citations.citable_sections(selection.consultation)
    form.offer_sections(citable)
    refusal = None
    if form.validate_on_submit():
        try:
            return _answer_campaign(selection, form)
        except (CampaignRefused, AnswerRefused) as error:
            db.session.rollback()
            refusal = (
                error if isinstance(error, CampaignRefused) else CampaignRefused(error.message)
            )
    page = render_template(
        "moderation/campaign.html",
        selection=selection,
        form=form,
        refusal=refusal,
        chapters=citations.by_chapter(citable),
    )
    return page, 422 if form.is_submitted() else 200


def _selection(source) -> Selection:
    """The contributions ticked (`contribution`, repeated) or a whole group of similar ones."""
    if "groupe" in source:
        return campaigns.select_group(source.get("groupe"))
    return campaigns.select_contributions(source.getlist("contribution"))


def _answer_campaign(selection: Selection, form: CampaignForm):
    publish = bool(form.publish.data)
    text = form.answer_text()
    campaigns.answer_all(selection, text, current_user, publish=publish, replace=form.replace.data)
    db.session.commit()
    count = len(selection.contributions)
    plural = "s" * (count > 1)
    if publish:
        flash(f"La réponse est publiée sur {count} contribution{plural}.", "success")
    else:
        flash(
            f"Le brouillon de réponse est enregistré sur {count} contribution{plural}.", "success"
        )
    return redirect(url_for(".awaiting_answer"))


# The workbook import adds its routes to this blueprint.
from consultation.moderation import answer_import_views  # noqa: E402, F401
