"""Password rules beyond Django's: mix of character classes (等保 practice)."""

import string

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least ``min_classes`` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def _classes(self, password: str) -> int:
        checks = (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        )
        return sum(checks)

    def validate(self, password: str, user=None) -> None:
        if self._classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least %(count)d of: upper-case letters, lower-case "
                    "letters, digits, symbols."
                ),
                code="password_character_classes",
                params={"count": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(count)d of: upper-case letters, lower-case "
            "letters, digits, symbols."
        ) % {"count": self.min_classes}


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at its cheapest, for the test suite only (``QINQING_MODE=test`` puts it first in
    PASSWORD_HASHERS): the same algorithm and encoding, so a hash the production parameters made still
    verifies, but one hash costs microseconds instead of the production parameters' 0.1–0.2 s — the
    demo district's fourteen accounts and every log-in of the browser tests paid that on every run.
    Production and the demo keep Django's Argon2 parameters (settings.PASSWORD_HASHERS)."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1
