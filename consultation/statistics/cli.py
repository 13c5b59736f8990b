"""The `flask export` group: the workbook and open-data commands add themselves to it."""

from __future__ import annotations

from flask.cli import AppGroup

export = AppGroup("export", help="Produire les fichiers d’une consultation (classeur, open data).")
