"""Password rules beyond Django's: mix of character classes (等保 practice)."""

import string

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
