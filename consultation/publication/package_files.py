"""Reading a consultation package folder into a PackageSpec, noting every problem on the way.

The format of the folder is described in `consultation.publication.package`.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from consultation.core.dates import from_paris
from consultation.publication import editing
from consultation.publication.editing import split_title
from consultation.publication.models import ModerationMode

MANIFEST = "consultation.toml"
MAX_FILE_BYTES = 2 * 1024 * 1024
CHAPTER_FILE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
PACKAGE_KEYS = {
    "slug",
    "title",
    "summary",
    "summary_file",
    "opens_at",
    "closes_at",
    "moderation_mode",
    "reference_prefix",
    "batches",
}
BATCH_KEYS = {"number", "title", "publish_at", "chapters"}
CHAPTER_KEYS = {"file", "number", "slug", "versions"}
VERSION_KEYS = {"label", "file"}
KIND_LABELS = {str: "un texte entre guillemets", int: "un nombre entier", list: "une liste [ … ]"}
DATE_EXAMPLE = "par exemple 2026-09-27T09:00:00+02:00, sans guillemets"
T = TypeVar("T")


@dataclass(frozen=True)
class VersionSpec:
    """A later version of a chapter (revised or final text), after the one put to consultation."""

    label: str
    body: str
    source: str


@dataclass(frozen=True)
class ChapterSpec:
    number: int
    slug: str
    title: str
    body: str
    #: The file name as listed in consultation.toml.
    source: str
    versions: tuple[VersionSpec, ...] = ()


@dataclass(frozen=True)
class BatchSpec:
    number: int
    title: str
    publish_at: datetime
    chapters: tuple[ChapterSpec, ...]


@dataclass(frozen=True)
class PackageSpec:
    slug: str
    title: str
    summary: str
    opens_at: datetime
    closes_at: datetime
    moderation_mode: ModerationMode
    batches: tuple[BatchSpec, ...]
    #: Start of contribution references (e.g. "DNS2026"); empty: made from the slug.
    reference_prefix: str = ""


class PackageRefused(Exception):
    """The package cannot be imported; `problems` lists every reason, in French."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(dict.fromkeys(problems))
        super().__init__("\n".join(self.problems))


def read_package(directory: Path) -> PackageSpec:
    """Read and check the files of a package; raise PackageRefused listing every problem."""
    reader = _Reader(Path(directory))
    manifest = reader.manifest()
    spec = reader.package(manifest) if manifest is not None else None
    if manifest is not None:
        reader.check_unlisted_files()
    if spec is None or reader.problems:
        raise PackageRefused(reader.problems)
    return spec


class _Reader:
    """Reads one package folder, noting every problem instead of stopping at the first."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.root = directory.resolve()
        self.problems: list[str] = []
        self.used_files: set[Path] = set()
        #: (number, slug, file) of every chapter listed, readable or not, to find repeats.
        self.identities: list[tuple[int | None, str | None, str]] = []

    def refuse(self, message: str) -> None:
        self.problems.append(message)

    def manifest(self) -> dict[str, Any] | None:
        if not self.root.is_dir():
            self.refuse(f"« {self.directory} » n’est pas un dossier.")
            return None
        text = self.text(MANIFEST)
        if text is None:
            return None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            self.refuse(f"{MANIFEST} : erreur de syntaxe TOML{_where_in_file(error)}.")
            return None

    def text(self, name: str) -> str | None:
        """The content of a file of the package, or None once the reason is noted."""
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root):
            self.refuse(f"« {name} » : ce chemin sort du dossier du paquet.")
        elif path in self.used_files:
            self.refuse(f"« {name} » est cité plusieurs fois.")
        elif not path.is_file():
            self.refuse(f"« {name} » est introuvable dans le dossier du paquet.")
        elif path.stat().st_size > MAX_FILE_BYTES:
            self.used_files.add(path)
            self.refuse(f"« {name} » dépasse la taille maximale de {MAX_FILE_BYTES // 2**20} Mo.")
        else:
            self.used_files.add(path)
            try:
                return path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.refuse(f"« {name} » n’est pas encodé en UTF-8.")
        return None

    def value(
        self, table: dict[str, Any], key: str, kind: type[T], where: str, required: bool = True
    ) -> T | None:
        if key not in table:
            if required:
                self.refuse(f"{where} : la clé « {key} » est obligatoire.")
            return None
        value = table[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            self.refuse(f"{where} : « {key} » doit être {KIND_LABELS[kind]}.")
            return None
        return value

    def moment(self, table: dict[str, Any], key: str, where: str) -> datetime | None:
        if key not in table:
            self.refuse(f"{where} : la clé « {key} » est obligatoire.")
            return None
        value = table[key]
        if not isinstance(value, datetime):
            self.refuse(f"{where} : « {key} » doit être une date avec l’heure ({DATE_EXAMPLE}).")
            return None
        return value.astimezone(UTC) if value.tzinfo else from_paris(value)

    def check_keys(self, table: dict[str, Any], known: set[str], where: str) -> None:
        for key in sorted(set(table) - known):
            self.refuse(f"{where} : clé inconnue « {key} ».")

    def package(self, manifest: dict[str, Any]) -> PackageSpec | None:
        self.check_keys(manifest, PACKAGE_KEYS, MANIFEST)
        slug = self.value(manifest, "slug", str, MANIFEST)
        title = self.value(manifest, "title", str, MANIFEST)
        summary = self.summary(manifest)
        opens_at = self.moment(manifest, "opens_at", MANIFEST)
        closes_at = self.moment(manifest, "closes_at", MANIFEST)
        moderation_mode = self.moderation_mode(manifest)
        prefix = self.value(manifest, "reference_prefix", str, MANIFEST, required=False) or ""
        batches = self.batches(manifest)
        if opens_at and closes_at:
            self.check_batch_dates(batches, opens_at, closes_at)
        if self.problems:
            return None
        return PackageSpec(
            slug, title, summary, opens_at, closes_at, moderation_mode, batches, prefix
        )

    def summary(self, manifest: dict[str, Any]) -> str | None:
        if "summary" in manifest and "summary_file" in manifest:
            self.refuse(f"{MANIFEST} : donnez « summary » ou « summary_file », pas les deux.")
            return None
        if "summary_file" in manifest:
            name = self.value(manifest, "summary_file", str, MANIFEST)
            return self.text(name) if name is not None else None
        return self.value(manifest, "summary", str, MANIFEST, required=False) or ""

    def moderation_mode(self, manifest: dict[str, Any]) -> ModerationMode | None:
        value = self.value(manifest, "moderation_mode", str, MANIFEST)
        if value is None:
            return None
        try:
            return ModerationMode(value)
        except ValueError:
            self.refuse(
                f"{MANIFEST} : mode de modération inconnu « {value} » "
                "(attendu : « a_priori » ou « a_posteriori »)."
            )
            return None

    def batches(self, manifest: dict[str, Any]) -> tuple[BatchSpec, ...]:
        tables = self.value(manifest, "batches", list, MANIFEST)
        if tables == []:
            self.refuse(f"{MANIFEST} : le paquet doit décrire au moins un lot ([[batches]]).")
        batches = [self.batch(table, position) for position, table in enumerate(tables or [], 1)]
        found = tuple(batch for batch in batches if batch is not None)
        self.check_repeated(found)
        return found

    def batch(self, table: object, position: int) -> BatchSpec | None:
        where = f"Lot en position {position}"
        if not isinstance(table, dict):
            self.refuse(f"{where} : chaque lot est une table [[batches]].")
            return None
        number = self.value(table, "number", int, where)
        where = where if number is None else f"Lot {number}"
        self.check_keys(table, BATCH_KEYS, where)
        title = self.value(table, "title", str, where)
        publish_at = self.moment(table, "publish_at", where)
        chapters = self.chapters(table, where)
        if number is None or title is None or publish_at is None or chapters is None:
            return None
        return BatchSpec(number, title, publish_at, chapters)

    def chapters(self, table: dict[str, Any], where: str) -> tuple[ChapterSpec, ...] | None:
        entries = self.value(table, "chapters", list, where)
        if entries is None:
            return None
        chapters = [self.chapter(entry, where) for entry in entries]
        return None if None in chapters else tuple(chapters)

    def chapter(self, entry: object, where: str) -> ChapterSpec | None:
        entry = {"file": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict):
            self.refuse(
                f"{where} : chaque chapitre est un nom de fichier ou une table "
                "{ file = …, number = …, slug = … }."
            )
            return None
        self.check_keys(entry, CHAPTER_KEYS, where)
        name = self.value(entry, "file", str, where)
        if name is None:
            return None
        number, slug = self.chapter_identity(entry, name, where)
        self.identities.append((number, slug, name))
        title, body = self.chapter_text(name)
        versions = self.versions(entry, name)
        if number is None or slug is None or title is None or versions is None:
            return None
        return ChapterSpec(number, slug, title, body, name, versions)

    def versions(self, entry: dict, chapter_file: str) -> tuple[VersionSpec, ...] | None:
        """The later versions of a chapter: versions = [{ label = "…", file = "….md" }, …]."""
        where = f"« {chapter_file} »"
        tables = self.value(entry, "versions", list, where, required=False) or []
        versions = [self.version(table, where) for table in tables]
        for label, files in _groups((v.label.casefold(), v.source) for v in versions if v):
            self.refuse(f"{where} : le libellé de version « {label} » est donné à {files}.")
        return None if None in versions else tuple(versions)

    def version(self, table: object, where: str) -> VersionSpec | None:
        if not isinstance(table, dict):
            self.refuse(f"{where} : chaque version est une table {{ label = …, file = … }}.")
            return None
        self.check_keys(table, VERSION_KEYS, where)
        label = self.value(table, "label", str, where)
        name = self.value(table, "file", str, where)
        if name is None or not name.endswith(".md"):
            if name is not None:
                self.refuse(f"« {name} » : une version est un fichier Markdown en « .md ».")
            return None
        text = self.text(name)
        if text is None or label is None:
            return None
        return VersionSpec(label.strip(), split_title(text)[1], name)

    def chapter_identity(self, entry: dict, name: str, where: str) -> tuple[int | None, str | None]:
        match = CHAPTER_FILE.match(Path(name).name)
        if match is None and not {"number", "slug"} <= entry.keys():
            self.refuse(
                f"« {name} » : nommez le fichier « NN-identifiant.md » (par exemple "
                "01-doctrine.md) ou précisez number et slug."
            )
            return None, None
        number = self.value(entry, "number", int, where) if "number" in entry else int(match[1])
        slug = self.value(entry, "slug", str, where) if "slug" in entry else match[2]
        return number, slug

    def chapter_text(self, name: str) -> tuple[str | None, str]:
        if not name.endswith(".md"):
            self.refuse(f"« {name} » : un chapitre est un fichier Markdown en « .md ».")
            return None, ""
        text = self.text(name)
        if text is None:
            return None, ""
        if not text.strip():
            self.refuse(f"« {name} » : le chapitre est vide.")
            return None, ""
        title, body = split_title(text)
        if title is None:
            self.refuse(
                f"« {name} » : le fichier doit commencer par le titre du chapitre, "
                "en titre de niveau 1 (# Titre du chapitre)."
            )
        return title, body

    def check_repeated(self, batches: tuple[BatchSpec, ...]) -> None:
        for number, titles in _groups((b.number, b.title) for b in batches):
            self.refuse(f"Le numéro de lot {number} est donné à plusieurs lots : {titles}.")
        numbers = ((number, name) for number, _, name in self.identities if number is not None)
        for number, files in _groups(numbers):
            self.refuse(f"Le numéro de chapitre {number} est donné à plusieurs fichiers : {files}.")
        slugs = ((slug, name) for _, slug, name in self.identities if slug is not None)
        for slug, files in _groups(slugs):
            self.refuse(
                f"L’identifiant de chapitre « {slug} » est donné à plusieurs fichiers : {files}."
            )

    def check_batch_dates(self, batches: Iterable[BatchSpec], opens_at, closes_at) -> None:
        # The rule itself belongs to editing; asking it here lists date problems with file ones.
        for batch in batches:
            for problem in editing.batch_date_problems(
                batch.number, batch.publish_at, opens_at, closes_at
            ):
                self.refuse(f"Lot {batch.number} : {problem.message}")

    def check_unlisted_files(self) -> None:
        for path in sorted(self.root.rglob("*.md")):
            hidden = any(part.startswith(".") for part in path.relative_to(self.root).parts)
            if not hidden and path.resolve() not in self.used_files:
                self.refuse(
                    f"« {path.relative_to(self.root)} » n’est cité par aucun lot : "
                    "ajoutez-le à un lot ou retirez-le du dossier."
                )


def _groups(pairs: Iterable[tuple[object, str]]) -> list[tuple[object, str]]:
    """The keys given more than once, each with the labels that share it."""
    labels: dict[object, list[str]] = defaultdict(list)
    for key, label in pairs:
        labels[key].append(label)
    return [(key, ", ".join(found)) for key, found in labels.items() if len(found) > 1]


def _where_in_file(error: tomllib.TOMLDecodeError) -> str:
    match = re.search(r"line (\d+), column (\d+)", str(error))
    return f" à la ligne {match[1]}, colonne {match[2]}" if match else ""
