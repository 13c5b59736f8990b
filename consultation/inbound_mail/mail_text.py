"""Text out of untrusted mail: charsets read leniently, problems noted in French as they are met."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Senders labelled ISO-8859-1 very often write Windows-1252 (curly quotes, €): read it as such.
LATIN_1_NAMES = frozenset({"latin-1", "iso8859-1", "iso-8859-1", "latin1", "l1", "cp819"})


@dataclass
class Findings:
    """What the reading found wrong, in French, as it goes."""

    defects: list[str] = field(default_factory=list)
    serious: list[str] = field(default_factory=list)

    def note(self, problem: str) -> None:
        if problem not in self.defects:
            self.defects.append(problem)

    def quarantine(self, problem: str) -> None:
        self.note(problem)
        if problem not in self.serious:
            self.serious.append(problem)

    @property
    def reason(self) -> str | None:
        if not self.serious:
            return None
        others = len(self.serious) - 1
        return self.serious[0] + (
            f" (et {others} autre(s) problème(s) relevé(s))" if others else ""
        )


def decode_text(data: bytes, charset: object, findings: Findings) -> str:
    """Text in its declared charset; an unknown or missing one is read as UTF-8 or Windows-1252."""
    name = str(charset).strip().strip('"').lower() if isinstance(charset, str) else ""
    if name in LATIN_1_NAMES:
        name = "windows-1252"
    if name and name not in {"us-ascii", "ascii"}:
        try:
            return data.decode(name, errors="replace")
        except (LookupError, UnicodeError, ValueError, TypeError):
            findings.note(f"Jeu de caractères inconnu « {name[:40]} » : texte lu en UTF-8.")
    return guess_text(data)


def guess_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", errors="replace")


def clean(text: str | None) -> str | None:
    """Text any database accepts: no NUL character, no lone surrogate."""
    if text is None:
        return None
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
