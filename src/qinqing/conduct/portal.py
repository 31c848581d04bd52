"""Conduct's part of the public portal (core.portal): verifying an approval letter (article 14)."""

from django.utils.translation import gettext_lazy as _

from qinqing.core.portal import Service, declare

declare(
    Service(
        "verify_letter",
        _("Verify an approval letter"),
        _(
            "Check that a written approval for an official's activity with enterprises is genuine, "
            "by its code."
        ),
        url_name="conduct:verify_letter",
        article="14",
        order=40,
    ),
)
