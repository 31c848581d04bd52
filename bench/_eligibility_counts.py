"""The one rule for counting the eligibility checks a server answered, shared by ``bench/_counting_wsgi.py``
(granian) and the gunicorn hooks of ``bench/eligibility_gunicorn.py``: a 200 answer to the eligibility
operations is one check, a 500-party batch's 200 is 500; nothing else counts."""

PATH = "/api/v1/integrity/eligibility"
BATCH_SIZE = 500  # bench/eligibility.py sends batches of 500 parties


def checks_in(path: str, status_code: int) -> int:
    if status_code != 200 or not path.startswith(PATH):
        return 0
    return BATCH_SIZE if path.endswith("/batch") else 1
