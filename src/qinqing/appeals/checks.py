"""Start-up check: in production no SMS backend may print the texts to the server's log.

The console backend (the demo's stand-in for a phone) writes every text it is given to standard
output, which is the server log: the access code a reporter gets for a sealed report (shown once),
the name of a party told of a blacklisting. Personal data is never logged, so production refuses
to start with it rather than log them.
"""

from django.core.checks import Error, register


@register()
def sms_backend_logs_no_texts_in_production(app_configs, **kwargs):
    from django.conf import settings
    from django.utils.module_loading import import_string

    from .intake.channels.sms import BACKENDS, ConsoleSmsBackend, channel_settings

    if not getattr(settings, "PRODUCTION", False):
        return []
    name = channel_settings().get("SMS_BACKEND", "console")
    try:
        backend_class = import_string(BACKENDS.get(name, name))
    except ImportError:
        return []  # an unknown backend fails where it is built, with its own message
    if isinstance(backend_class, type) and issubclass(backend_class, ConsoleSmsBackend):
        return [
            Error(
                f"QINQING_SMS_BACKEND={name} prints every text message, with report access codes and "
                "names, to the server log.",
                hint="Use tencentcloud (docs/OPERATIONS.md, Channel providers); without a provider the texts "
                "are marked 'not sent — to be passed on by hand'.",
                id="appeals.E001",
            )
        ]
    return []
