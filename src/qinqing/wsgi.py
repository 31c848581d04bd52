import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
application = get_wsgi_application()

# The eligibility check (GET /api/v1/integrity/eligibility with an API key) is answered in front of the
# middleware stack, with the same guarantees; everything else, and every refusal, is Django's (issue #12,
# integrity/fastpath.py, docs/ARCHITECTURE.md "The eligibility check's light path").
# Appeal intake (POST /api/v1/appeals/ with an API key and a JSON body) likewise (issue #19,
# appeals/intake/fastpath.py).
from qinqing.appeals.intake import fastpath as intake_fastpath  # noqa: E402 (needs the apps loaded above)
from qinqing.integrity import fastpath as integrity_fastpath  # noqa: E402

application = intake_fastpath.wrap(integrity_fastpath.wrap(application))
