"""Back-office screens for admins: consultations, their schedule, batches and chapters.

Every write goes through `publication.editing`; a view validates the form, calls the service,
commits once and redirects, or shows the form again with the problems (status 422).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from consultation.admin import services
from consultation.admin.forms import (
    BatchForm,
    ChapterForm,
    ConsultationForm,
    DeleteForm,
    show_problems,
)
from consultation.core.clock import now
from consultation.core.roles import admin_required
from consultation.extensions import db
from consultation.publication import editing
from consultation.publication.editing import PublicationRefused
from consultation.publication.models import Batch, Chapter, Consultation

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _save(
    form: FlaskForm,
    save: Callable[[], object],
    *,
    success: str,
    target: Callable[[object], str],
    template: str,
    **context: object,
):
    """Validate, save through the editing service and commit once; or show the form again."""
    if form.validate_on_submit():
        try:
            saved = save()
        except PublicationRefused as refusal:
            show_problems(form, refusal.problems)
        else:
            db.session.commit()
            flash(success, "success")
            return redirect(target(saved))
    status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


def _delete(remove: Callable[[], None], *, success: str, target: str) -> Response:
    try:
        remove()
    except PublicationRefused as refusal:
        for problem in refusal.problems:
            flash(problem.message, "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(target)


def _confirm_then_delete(
    remove: Callable[[], None], *, success: str, consultation: Consultation, **shown: object
):
    """GET asks for confirmation; only the POST form, with its CSRF token, deletes."""
    form = DeleteForm()
    if not form.validate_on_submit():
        return render_template(
            "admin/confirm_delete.html", form=form, consultation=consultation, **shown
        )
    return _delete(remove, success=success, target=_schedule_url(consultation.id))


def _schedule_url(consultation_id: int) -> str:
    return url_for(".schedule", consultation_id=consultation_id)


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html", rows=services.list_consultations(now()))


@bp.route("/consultations/nouvelle", methods=["GET", "POST"])
@admin_required
def new_consultation():
    form = ConsultationForm()
    return _save(
        form,
        lambda: editing.save_consultation(None, **form.values()),
        success="La consultation est créée. Ajoutez maintenant ses lots.",
        target=lambda consultation: _schedule_url(consultation.id),
        template="admin/consultation_form.html",
        consultation=None,
    )


@bp.get("/consultations/<int:consultation_id>")
@admin_required
def schedule(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    return render_template(
        "admin/schedule.html",
        consultation=consultation,
        status=consultation.status(now()),
        batches=services.schedule(consultation, now()),
    )


@bp.route("/consultations/<int:consultation_id>/modifier", methods=["GET", "POST"])
@admin_required
def edit_consultation(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    form = ConsultationForm(obj=consultation)
    return _save(
        form,
        lambda: editing.save_consultation(consultation, **form.values()),
        success="La consultation est enregistrée.",
        target=lambda saved: _schedule_url(saved.id),
        template="admin/consultation_form.html",
        consultation=consultation,
    )


@bp.route("/consultations/<int:consultation_id>/lots/nouveau", methods=["GET", "POST"])
@admin_required
def new_batch(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    form = BatchForm(number=len(consultation.batches) + 1)
    return _save(
        form,
        lambda: editing.save_batch(consultation, None, **form.values()),
        success="Le lot est créé.",
        target=lambda batch: _schedule_url(batch.consultation_id),
        template="admin/batch_form.html",
        consultation=consultation,
        batch=None,
    )


@bp.route("/lots/<int:batch_id>/modifier", methods=["GET", "POST"])
@admin_required
def edit_batch(batch_id: int):
    batch = db.get_or_404(Batch, batch_id)
    form = BatchForm(obj=batch)
    return _save(
        form,
        lambda: editing.save_batch(batch.consultation, batch, **form.values()),
        success="Le lot est enregistré.",
        target=lambda saved: _schedule_url(saved.consultation_id),
        template="admin/batch_form.html",
        consultation=batch.consultation,
        batch=batch,
    )


@bp.route("/lots/<int:batch_id>/supprimer", methods=["GET", "POST"])
@admin_required
def delete_batch(batch_id: int):
    batch = db.get_or_404(Batch, batch_id)
    return _confirm_then_delete(
        lambda: editing.delete_batch(batch),
        success=f"Le lot {batch.number} est supprimé.",
        consultation=batch.consultation,
        batch=batch,
        chapter=None,
    )


@bp.route("/consultations/<int:consultation_id>/chapitres/nouveau", methods=["GET", "POST"])
@admin_required
def new_chapter(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    form = ChapterForm(number=len(consultation.chapters) + 1)
    form.offer(consultation.batches)
    return _chapter_form(form, consultation, None)


@bp.route("/chapitres/<int:chapter_id>/modifier", methods=["GET", "POST"])
@admin_required
def edit_chapter(chapter_id: int):
    chapter = db.get_or_404(Chapter, chapter_id)
    form = ChapterForm.for_chapter(chapter, chapter.consultation.batches)
    return _chapter_form(form, chapter.consultation, chapter)


def _chapter_form(form: ChapterForm, consultation: Consultation, chapter: Chapter | None):
    batches = consultation.batches
    return _save(
        form,
        lambda: editing.save_chapter(consultation, chapter, **form.values(batches)),
        success="Le chapitre est enregistré.",
        target=lambda saved: _schedule_url(saved.consultation_id),
        template="admin/chapter_form.html",
        consultation=consultation,
        chapter=chapter,
        is_published=chapter is not None and chapter.is_published(now()),
    )


@bp.route("/chapitres/<int:chapter_id>/supprimer", methods=["GET", "POST"])
@admin_required
def delete_chapter(chapter_id: int):
    chapter = db.get_or_404(Chapter, chapter_id)
    return _confirm_then_delete(
        lambda: editing.delete_chapter(chapter),
        success=f"Le chapitre {chapter.number} est supprimé.",
        consultation=chapter.consultation,
        batch=None,
        chapter=chapter,
    )


# The profile screens live in their own module but belong to this blueprint.
from consultation.admin import profiles  # noqa: E402, F401

# isort: split
# The audit trail's screens too.
from consultation.admin import audit_views  # noqa: E402, F401

# isort: split
# And those of the staff's second factor.
from consultation.admin import second_factors  # noqa: E402, F401

# isort: split
# And those of a chapter's versions.
from consultation.admin import version_views  # noqa: E402, F401
