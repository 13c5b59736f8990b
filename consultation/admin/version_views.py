"""Back-office screen of a chapter's versions: list them, and add a revised or final text.

The service (`publication.versions`) checks the rules; this view parses, calls it, commits once.
"""

from __future__ import annotations

from flask import url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from consultation.admin.forms import MAX_UPLOAD_BYTES
from consultation.admin.views import _save, bp
from consultation.core.roles import admin_required
from consultation.extensions import db
from consultation.publication import versions
from consultation.publication.editing import split_title
from consultation.publication.models import Chapter


class VersionForm(FlaskForm):
    label = StringField(
        "Libellé de la version",
        validators=[
            InputRequired("Saisissez le libellé de la version."),
            Length(
                max=versions.LABEL_MAX_LENGTH,
                message="Le libellé ne doit pas dépasser 80 caractères.",
            ),
        ],
    )
    body = TextAreaField("Texte de la version (Markdown)", render_kw={"rows": 20})
    upload = FileField(
        "Ou fichier Markdown",
        validators=[
            FileAllowed(["md", "txt"], "Déposez un fichier .md ou .txt."),
            FileSize(MAX_UPLOAD_BYTES, message="Le fichier dépasse la taille maximale de 500 Ko."),
        ],
    )

    def validate_upload(self, field: FileField) -> None:
        if not field.data:
            return
        try:
            self.body.data = field.data.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                "Le fichier n’est pas encodé en UTF-8 : enregistrez-le en UTF-8 puis "
                "déposez-le à nouveau."
            ) from error

    def values(self) -> dict[str, str]:
        """The arguments of `versions.add_version`; a leading `# title` line is dropped."""
        _title, body = split_title((self.body.data or "").replace("\r\n", "\n"))
        return {"label": (self.label.data or "").strip(), "body": body}


@bp.route("/chapitres/<int:chapter_id>/versions", methods=["GET", "POST"])
@admin_required
def chapter_versions(chapter_id: int):
    chapter = db.get_or_404(Chapter, chapter_id)
    form = VersionForm()
    return _save(
        form,
        lambda: versions.add_version(chapter, **form.values()),
        success="La version est ajoutée au chapitre.",
        target=lambda version: _versions_url(version.chapter_id),
        template="admin/version_form.html",
        consultation=chapter.consultation,
        chapter=chapter,
    )


def _versions_url(chapter_id: int) -> str:
    return url_for("admin.chapter_versions", chapter_id=chapter_id)
