"""Intake (articles 6 and 8): filing an appeal from every channel (``services.appeal_file``),
the channels themselves (``channels/``: the public mailbox form, SMS and WeChat webhooks and
senders, the operator's form) and their pages (``views``/``urls``, mounted at the root in the
``appeals_channels`` namespace)."""
