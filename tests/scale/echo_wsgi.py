"""A WSGI application that answers with the environ gunicorn built for the request (its paths,
scheme, REMOTE_USER and every HTTP_ key), to see what gunicorn takes from request headers."""

import json

KEPT = {"SCRIPT_NAME", "PATH_INFO", "REMOTE_USER", "wsgi.url_scheme"}


def application(environ, start_response):
    seen = {key: value for key, value in environ.items() if key in KEPT or key.startswith("HTTP_")}
    body = json.dumps(seen).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
