"""The audit trail in French: actions, kinds of object, fields, and a change told as before → after.

Events store codes ("contribution.refuse", "status": "pending") so that the wording can change
without rewriting an append-only table: every code an action records gets its label here (a test
reads the code base and fails on an action without one).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from consultation.contributions.models import Status
from consultation.core.dates import format_date
from consultation.core.roles import Role
from consultation.inbound_mail.models import MessageState, RefusalReason
from consultation.moderation.decisions import describe_reason
from consultation.publication.models import ModerationMode

ACTION_LABELS = {
    "contribution.publish": "Contribution publiée",
    "contribution.refuse": "Contribution refusée",
    "contribution.hide": "Contribution masquée",
    "contribution.restore": "Contribution rétablie",
    "contribution.redact": "Passage d’une contribution masqué",
    "contribution.redact_undo": "Masquage de passage annulé",
    "contribution.reports_resolve": "Signalements traités",
    "contribution.tag": "Thème ajouté à une contribution",
    "contribution.untag": "Thème retiré d’une contribution",
    "contribution.ungroup": "Contribution retirée d’un groupe de doublons",
    "answer.draft": "Brouillon de réponse enregistré",
    "answer.publish": "Réponse officielle publiée",
    "answer.edit": "Réponse officielle modifiée",
    "answer.import": "Réponses importées d’un classeur",
    "answer.campaign": "Réponse commune à plusieurs contributions",
    "theme.create": "Thème créé",
    "theme.rename": "Thème renommé",
    "theme.merge": "Thèmes fusionnés",
    "theme.delete": "Thème supprimé",
    "mail.publish": "Courriel publié en contribution(s)",
    "mail.refuse": "Courriel refusé",
    "mail.release": "Courriel sorti de quarantaine",
    "consultation.create": "Consultation créée",
    "consultation.edit": "Consultation modifiée",
    "batch.create": "Lot créé",
    "batch.edit": "Lot modifié",
    "batch.delete": "Lot supprimé",
    "chapter.create": "Chapitre créé",
    "chapter.edit": "Chapitre modifié",
    "chapter.delete": "Chapitre supprimé",
    "chapter.version_add": "Version d’un chapitre ajoutée",
    "chapter.version_edit": "Version d’un chapitre remplacée",
    "profile.create": "Profil créé",
    "profile.edit": "Profil modifié",
    "profile.move": "Profil déplacé dans la liste",
    "profile.delete": "Profil supprimé",
    "user.create": "Compte créé",
    "user.role": "Rôle d’un compte modifié",
    "user.enable": "Compte réactivé",
    "user.disable": "Compte désactivé",
    "mfa.enrol": "Double authentification activée",
    "mfa.recovery_used": "Code de secours utilisé",
    "mfa.recovery_regenerated": "Codes de secours renouvelés",
    "mfa.reset": "Double authentification réinitialisée",
    "mfa.replaced": "Application d’authentification remplacée",
    "audit.export": "Journal d’audit exporté",
    "export.request": "Classeur de synthèse demandé",
    "export.download": "Classeur de synthèse téléchargé",
    "consultation.export_workbook": "Classeur de synthèse exporté",
    "consultation.export_opendata": "Données ouvertes exportées",
}

OBJECT_TYPE_LABELS = {
    "contribution": "Contribution",
    "answer": "Réponse officielle",
    "answerworkbook": "Classeur de réponses",
    "report": "Signalement",
    "redaction": "Masquage de passage",
    "theme": "Thème",
    "inboundmessage": "Courriel",
    "consultation": "Consultation",
    "batch": "Lot",
    "chapter": "Chapitre",
    "chapterversion": "Version de chapitre",
    "profile": "Profil",
    "user": "Compte",
    "journal": "Journal d’audit",
    "exportjob": "Classeur de synthèse",
}

FIELD_LABELS = {
    "status": "statut",
    "status_reason": "motif",
    "state": "état",
    "state_comment": "commentaire",
    "refusal_reason": "motif du refus",
    "consultation.title": "consultation",
    "contributions": "contributions",
    "slug": "identifiant d’adresse",
    "title": "titre",
    "summary": "présentation",
    "opens_at": "ouverture",
    "closes_at": "clôture",
    "publish_at": "publication",
    "moderation_mode": "modération",
    "reference_prefix": "préfixe des références",
    "number": "numéro",
    "batch.number": "lot",
    "body": "texte",
    "code": "code",
    "label": "libellé",
    "position": "position",
    "requires_organisation": "organisation obligatoire",
    "is_active": "actif",
    "email": "adresse électronique",
    "role": "rôle",
    "display_name": "nom affiché",
    "is_enabled": "compte actif",
    "filters": "filtres",
    "event_count": "événements",
    "name": "nom",
    "consultation": "consultation",
    "themes": "thèmes",
    "merged_into": "fusionné dans",
    "theme_id": "thème (n°)",
    "links_moved": "contributions ajoutées au thème",
    "group": "groupe de contributions similaires",
    "file": "fichier",
}

#: Codes stored for these fields, told in French.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "status": {status.value: status.label for status in Status},
    "state": {state.value: state.label for state in MessageState},
    "refusal_reason": {reason.value: reason.label for reason in RefusalReason},
    "moderation_mode": {mode.value: mode.label for mode in ModerationMode},
    "role": {role.value: role.label for role in Role},
}

MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def object_type_label(code: str) -> str:
    return OBJECT_TYPE_LABELS.get(code, code)


@dataclass(frozen=True)
class Change:
    """One field of an event; `before` or `after` is None when the event holds no such side."""

    field: str
    before: str | None
    after: str | None


def describe_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """The fields of an event in the order they were recorded, each side told in French."""
    before, after = before or {}, after or {}
    names = list(before) + [name for name in after if name not in before]
    return [
        Change(
            FIELD_LABELS.get(name, name),
            shown(name, before[name]) if name in before else None,
            shown(name, after[name]) if name in after else None,
        )
        for name in names
    ]


def shown(field: str, value: Any) -> str:
    """A stored value as a person reads it: a label, a date in Paris time, oui/non, a list."""
    if value is None or value == "":
        return "(vide)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, str):
        return _shown_text(field, value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(aucun)"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _shown_text(field: str, value: str) -> str:
    if field == "status_reason":
        return describe_reason(value)
    if value in VALUE_LABELS.get(field, {}):
        return VALUE_LABELS[field][value]
    if MOMENT.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return format_date(moment if moment.tzinfo else moment.replace(tzinfo=UTC), True)
    return value
