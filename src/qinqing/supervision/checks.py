"""Start-up check: the supervision key ring must be usable, or the site refuses to start (not a 500 later)."""

from django.core.checks import Error, register


@register()
def supervision_keys(app_configs, **kwargs):
    from .keys import KeyRingError, key_ring

    try:
        key_ring()
    except KeyRingError as error:
        return [
            Error(
                str(error),
                hint="Set QINQING_SUPERVISION_KEY_FILE or QINQING_SUPERVISION_KEYS (docs/OPERATIONS.md).",
                id="supervision.E001",
            )
        ]
    return []
