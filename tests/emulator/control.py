"""The JSON control API: health, journal, reset, images, faults, config, snapshots, watch, tls, shutdown."""

import json
import re
from urllib.parse import parse_qsl, unquote

from . import references
from .api import Response
from .seed import CLOUDS, check_config

IMAGE_PATH = re.compile(r"^/images/([a-z]+)/(.+)$")


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


FLAGS = {"1": True, "0": False}


def _flag(value):
    """A flag of the control API's own query strings (not a cloud's): exactly 1 or 0, as client.py sends it."""
    if value is None:
        return None
    if value not in FLAGS:
        raise ControlError(400, "a flag is 1 or 0, not %r" % value)
    return FLAGS[value]


def _cloud(value):
    if value not in CLOUDS:
        raise ControlError(400, "cloud must be one of %s, not %r" % (", ".join(CLOUDS), value))
    return value


def handle(app, request):
    try:
        body = json.loads(request.body) if request.body else {}
        if not isinstance(body, dict):
            raise ControlError(400, "the body must be a JSON object")
        query = dict(parse_qsl(request.query))
        return Response.json(200, _route(app, request.method, request.path.rstrip("/") or "/", query, body))
    except ValueError as error:  # bad JSON, SeedError, FaultError are all ValueErrors
        return Response.json(400, {"error": str(error)})
    except ControlError as error:
        return Response.json(error.status, {"error": str(error)})


def _route(app, method, path, query, body):
    state = app.state
    answer = references.control(app, method, path, body)
    if answer is not None:
        return answer
    if (method, path) == ("GET", "/health"):
        return {"ok": True}
    if path == "/journal" and method == "GET":
        return {"calls": app.journal.calls(query.get("cloud"), _flag(query.get("mutating")))}
    if path == "/journal" and method == "DELETE":
        app.journal.clear()
        return {"ok": True}
    if (method, path) == ("POST", "/reset"):
        app.reset(body.get("seed"))
        return {"ok": True}
    if path == "/images" and method == "POST":
        cloud = _cloud(body.get("cloud"))
        with state.lock:
            return {"images": [state.add_image(cloud, raw) for raw in body.get("images") or []]}
    if path == "/images" and method == "GET":
        with state.lock:
            return {"images": state.export(_cloud(query.get("cloud")), query.get("region"), query.get("account"))}
    match = IMAGE_PATH.match(path)
    if match and method == "PATCH":
        cloud, image_id = _cloud(match.group(1)), unquote(match.group(2))
        with state.lock:
            image = state.update_image(cloud, image_id, body)
        if image is None:
            raise ControlError(404, "no %s image %s" % (cloud, image_id))
        return {"image": image}
    if path == "/faults" and method == "POST":
        return {"fault": app.faults.add(body)}
    if path == "/faults" and method == "GET":
        return {"faults": app.faults.list()}
    if path == "/faults" and method == "DELETE":
        app.faults.clear()
        return {"ok": True}
    if path == "/config" and method == "POST":
        with state.lock:
            state.config = check_config(body, state.config)
            app.quotas.clear()  # the quotas start again with full buckets
            return {"config": dict(state.config)}
    if path == "/config" and method == "GET":
        return {"config": dict(state.config)}
    if path == "/snapshots" and method == "GET":
        with state.lock:
            return {"snapshots": state.export_snapshots(_cloud(query.get("cloud")), query.get("account"))}
    if path == "/watch" and method == "POST":
        return app.watch.set(body.get("secrets"))
    if path == "/watch" and method == "GET":
        return app.watch.report()
    if path == "/watch" and method == "DELETE":
        app.watch.clear()
        return {"ok": True}
    if path == "/tls" and method == "GET":
        return app.tls.report()
    if (method, path) == ("POST", "/shutdown"):
        app.stopped.set()
        return {"ok": True}
    raise ControlError(404, "no control call %s %s" % (method, path))
