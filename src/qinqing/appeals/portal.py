"""Appeals' part of the public portal (core.portal): the district head's mailbox and the status look-up
(article 8). (The mailbox's pages themselves live in intake/channels/portal.py.)"""

from django.utils.translation import gettext_lazy as _

from qinqing.core.portal import Service, declare

declare(
    Service(
        "mailbox",
        _("District head's mailbox"),
        _("Write to the district about a question or demand of your enterprise. No account is needed; "
          "you get a tracking number at once."),
        url_name="appeals_channels:portal_mailbox",
        article="8",
        order=10,
    ),
    Service(
        "appeal_status",
        _("Look up an appeal"),
        _("Follow your appeal with its tracking number and the mobile phone number you gave."),
        url_name="appeals_channels:portal_status",
        article="8",
        order=20,
    ),
)
