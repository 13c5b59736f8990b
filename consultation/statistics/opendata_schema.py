"""The columns of the open-data files, described once: the CSV and JSON writers and the Table
Schema descriptor all read this list, so a column cannot appear in a file without its description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consultation.contributions.models import Channel
from consultation.moderation.models import Disposition
from consultation.moderation.redaction import PLACEHOLDER
from consultation.publication.models import Consultation

LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
TABLE_SCHEMA = "https://frictionlessdata.io/schemas/table-schema.json"
#: How the files are written, told in the descriptor and on the download page.
CSV_FORMAT = (
    "CSV selon la RFC 4180 : encodage UTF-8 sans BOM, virgule comme séparateur, guillemets "
    "doubles autour des valeurs qui contiennent une virgule, un guillemet ou un saut de ligne, "
    "lignes terminées par CRLF, une ligne d’en-tête avec les noms des colonnes ; une valeur "
    "absente est une cellule vide ; la colonne « themes » y est un tableau JSON. Les textes sont "
    "écrits tels quels : un texte qui commence par =, +, - ou @ reste un texte, à importer comme "
    "tel dans un tableur."
)
JSON_FORMAT = (
    "JSON : un seul tableau d’objets, un objet par contribution et par ligne, dont les clés sont "
    "les noms des colonnes dans le même ordre ; une valeur absente vaut null."
)
DATETIME = (
    "Date et heure ISO 8601 à la seconde, à l’heure de Paris avec son décalage "
    "(ex. 2026-03-02T10:00:00+01:00)"
)


TYPE_LABELS = {
    "string": "texte",
    "integer": "nombre entier",
    "datetime": "date et heure",
    "array": "tableau JSON",
}


@dataclass(frozen=True)
class Column:
    """One column: its Table Schema field, in the order of the files."""

    name: str
    title: str
    type: str
    description: str
    format: str = "default"
    constraints: dict[str, Any] = field(default_factory=dict)

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]

    def descriptor(self) -> dict[str, Any]:
        described: dict[str, Any] = {"name": self.name, "title": self.title, "type": self.type}
        described.update(format=self.format, description=self.description)
        if self.constraints:
            described["constraints"] = dict(self.constraints)
        return described


def _text(name: str, title: str, description: str, **constraints: Any) -> Column:
    return Column(name, title, "string", description, constraints=constraints)


def _moment(name: str, title: str, description: str, **constraints: Any) -> Column:
    return Column(name, title, "datetime", f"{description}. {DATETIME}.", constraints=constraints)


PSEUDONYM_PATTERN = "[0-9a-f]{16}"

COLUMNS: tuple[Column, ...] = (
    _text("reference", "Référence",
          "Référence publique de la contribution, celle qu’affiche le site",
          required=True, unique=True),
    _text("consultation", "Consultation", "Identifiant de la consultation dans ses adresses",
          required=True),
    Column("chapitre_numero", "Numéro du chapitre", "integer",
           "Numéro du chapitre sur lequel porte la contribution",
           constraints={"required": True, "minimum": 1}),
    _text("chapitre_titre", "Titre du chapitre",
          "Titre du chapitre sur lequel porte la contribution", required=True),
    _text("section_ancre", "Ancre de la section",
          "Ancre de la section commentée dans la version mise en concertation (ex. 2-3) ; "
          "vide pour une contribution sur l’ensemble du chapitre"),
    _text("section_titre", "Titre de la section",
          "Titre de la section commentée tel qu’il était au moment de contribuer ; vide pour "
          "l’ensemble du chapitre"),
    _text("canal", "Canal", "Comment la contribution est arrivée : déposée sur le site ou reçue "
          "par courriel puis publiée par la modération",
          required=True, enum=[channel.label for channel in Channel]),
    _text("profil", "Profil",
          "Profil de l’auteur au moment de contribuer (attribué par la modération pour un "
          "courriel) ; vide s’il n’est pas renseigné"),
    _text("organisation", "Organisation",
          "Organisation de l’auteur au moment de contribuer, telle que le site l’affiche ; vide "
          "si aucune"),
    _text("auteur", "Auteur (libellé public)",
          "Nom sous lequel la contribution est publiée : le nom de l’auteur s’il a accepté qu’il "
          "soit affiché, sinon son pseudonyme ; pour un courriel, le libellé choisi par la "
          "modération (organisation ou pseudonyme) ; « Compte supprimé » pour un compte effacé",
          required=True),
    _text("auteur_pseudonyme", "Identifiant pseudonyme de l’auteur",
          "Identifiant stable de l’auteur, le même pour toutes ses contributions, d’un fichier "
          "et d’un format à l’autre : les 16 premiers caractères hexadécimaux d’un HMAC-SHA256, "
          "sous une clé secrète, du compte pour une contribution en ligne et de l’adresse de "
          "l’expéditeur pour un courriel (un courriel n’est donc jamais relié au compte de son "
          "expéditeur) ; il ne permet de retrouver ni le compte ni l’adresse. Vide pour un "
          "compte supprimé",
          pattern=PSEUDONYM_PATTERN),
    _moment("date_depot", "Date de dépôt",
            "Quand la contribution a été déposée sur le site ou reçue par courriel",
            required=True),
    _moment("date_publication", "Date de publication", "Quand la contribution a été publiée",
            required=True),
    _text("texte", "Texte de la contribution",
          "Texte tel qu’il est publié ; un passage masqué par la modération (données "
          f"personnelles ou de santé) y est remplacé par « {PLACEHOLDER} »", required=True),
    _text("reponse_suite", "Suite donnée",
          "Suite donnée à la contribution selon la réponse officielle ; vide tant qu’aucune "
          "réponse n’est publiée", enum=[disposition.label for disposition in Disposition]),
    _text("reponse_texte", "Réponse officielle",
          "Texte de la réponse officielle publiée, en Markdown ; vide tant qu’aucune réponse "
          "n’est publiée"),
    _moment("reponse_date_publication", "Date de la réponse",
            "Quand la réponse officielle a été publiée ; vide sans réponse"),
    _moment("reponse_date_modification", "Date de modification de la réponse",
            "Quand la réponse publiée a été modifiée pour la dernière fois ; vide si elle ne "
            "l’a jamais été"),
    Column("themes", "Thèmes", "array",
           "Thèmes attribués par la modération et les analystes, triés par nom ; [] si aucun",
           constraints={"required": True}),
    _text("groupe_doublons", "Groupe de contributions quasi identiques",
          "Référence de la première contribution publiée du groupe de contributions au texte "
          "quasi identique (campagne, envoi répété) ; vide si elle ne ressemble à aucune autre"),
    Column("url", "Adresse", "string", "Adresse de la contribution sur le site", format="uri",
           constraints={"required": True}),
)  # fmt: skip

NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)


def descriptor(consultation: Consultation, page_url: str) -> dict[str, Any]:
    """The Table Schema (frictionless) of a consultation's files, with the licence."""
    return {
        "$schema": TABLE_SCHEMA,
        "name": f"contributions-{consultation.slug}",
        "title": f"Contributions publiées et réponses officielles — {consultation.title}",
        "description": _description(),
        "homepage": page_url,
        "countryCode": "FR",
        "licenses": [dict(LICENCE)],
        "fields": [column.descriptor() for column in COLUMNS],
        "primaryKey": ["reference"],
        "missingValues": [""],
    }


def _description() -> str:
    return (
        "Une ligne par contribution publiée de la consultation, avec sa réponse officielle si "
        "elle est publiée. Les contributions en attente, refusées ou masquées n’y figurent pas, "
        "ni les brouillons de réponse. Aucune adresse électronique ni aucun identifiant de "
        f"compte n’y figure. {CSV_FORMAT} {JSON_FORMAT}"
    )
