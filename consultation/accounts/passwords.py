"""Password policy: long enough, not common; no composition rules (ANSSI and NIST guidance)."""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 12
#: Long enough for passphrases; beyond this, hashing cost would become a lever for abuse.
MAX_LENGTH = 256
#: zxcvbn's score (0–4): 3 means "safely unguessable", out of reach of online and slow attacks.
MIN_SCORE = 3
#: Common French passwords that zxcvbn's English lists may rate too well.
FRENCH_COMMON = frozenset({
    "motdepasse123", "motdepasse1234", "azertyuiop123", "azertyuiop1234", "azerty123456",
    "soleil123456", "bonjour123456", "jetaime123456", "doudou123456", "marseille1234",
})  # fmt: skip


def password_problem(password: str, *user_inputs: str) -> str | None:
    """The French reason why this password is refused, or None if it is acceptable.

    user_inputs (email, name…) count as known to an attacker.
    """
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères."
    if len(password) > MAX_LENGTH:
        return f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères."
    inputs = [value for value in user_inputs if value]
    # zxcvbn slows down on long inputs; the first 100 characters are plenty to judge.
    score = zxcvbn(password[:100], user_inputs=inputs)["score"]
    if password.lower() in FRENCH_COMMON or score < MIN_SCORE:
        return (
            "Ce mot de passe est trop courant ou trop facile à deviner. Choisissez par exemple "
            "une phrase de plusieurs mots que vous seul connaissez."
        )
    return None
