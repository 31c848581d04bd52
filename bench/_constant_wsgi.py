"""A WSGI application that answers every request with the same small JSON document, nothing else.

``bench/eligibility.py`` serves it with the same gunicorn configuration beside the site and drives it with the
same wrk script in the same rounds: what gunicorn and the load generator alone reach on this machine at that
moment, the ceiling any Python endpoint served this way stays under."""


def application(environ, start_response):
    body = b'{"ok": true}'
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
