"""Python enums stored as short strings with a CHECK constraint, the same on every database."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def enum_type(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(
        kind,
        native_enum=False,
        length=20,
        name=name,
        create_constraint=True,
        values_callable=lambda members: [member.value for member in members],
    )
