import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
application = get_wsgi_application()

# The eligibility check (GET /api/v1/integrity/eligibility with an API key) is answered in front of the
# middleware stack, with the same guarantees; everything else, and every refusal, is Django's (issue #12,
# integrity/fastpath.py, docs/ARCHITECTURE.md "The eligibility check's light path").
from qinqing.integrity.fastpath import wrap  # noqa: E402 (needs the settings and apps loaded above)

application = wrap(application)
