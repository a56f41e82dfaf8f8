"""The leak watch: secret values that must never travel in clear text to the emulator.

Tests register the secrets of a run (``POST /watch``); every API request is then searched for them in its
request line, headers and body, raw and percent-decoded. Only two places may carry a secret's effect: the
``Signature=`` part of the Authorization header (an HMAC, not the secret) and, for a value registered as a
token, the whole value of the cloud's security-token header. Hits are recorded by label and place only:
the watch never answers or journals a secret value.
"""

import base64
import re
import threading
from urllib.parse import unquote, unquote_plus

TOKEN_HEADERS = {"x-tc-token", "x-acs-security-token", "x-security-token"}
SIGNATURE = re.compile(r"Signature=[0-9A-Fa-f]+")
MAX_SECRETS = 100


class WatchError(ValueError):
    pass


def _variants(text):
    if not text:
        return []
    out = [text]
    for decode in (unquote, unquote_plus):
        try:
            decoded = decode(text)
        except Exception:  # undecodable: the raw text is still searched
            continue
        if decoded not in out:
            out.append(decoded)
    return out


def _forms(secret):
    """The secret as it is, and base64-encoded (as an HTTP Basic credential would carry it)."""
    return (secret, base64.b64encode(secret.encode("utf-8")).decode("ascii").rstrip("="))


class LeakWatch:
    def __init__(self):
        self._lock = threading.Lock()
        self._secrets = []  # [(label, value, is_token)]
        self._hits = []
        self._checked = 0

    def set(self, secrets):
        """secrets: [{"label": str, "value": str, "token": bool}] (replaces the watch list)."""
        if not isinstance(secrets, list) or len(secrets) > MAX_SECRETS:
            raise WatchError("secrets must be a list of at most %d entries" % MAX_SECRETS)
        parsed = []
        for entry in secrets:
            if not isinstance(entry, dict) or set(entry) - {"label", "value", "token"}:
                raise WatchError("each secret is {label, value, token}")
            value = entry.get("value")
            if not isinstance(value, str) or len(value) < 6:
                raise WatchError("a watched value must be a string of 6 or more characters")
            parsed.append((str(entry.get("label") or "secret"), value, bool(entry.get("token"))))
        with self._lock:
            self._secrets = parsed
            self._hits = []
            self._checked = 0
        return self.report()

    def clear(self):
        with self._lock:
            self._secrets = []
            self._hits = []
            self._checked = 0

    def report(self):
        with self._lock:
            return {
                "watching": [label for label, _value, _token in self._secrets],
                "checked": self._checked,
                "hits": [dict(hit) for hit in self._hits],
            }

    def scan(self, cloud, request):
        """Search one raw API request; return its hits ([{label, where}]) and remember them."""
        with self._lock:
            secrets = list(self._secrets)
        if not secrets:
            return []
        places = [("request line", "%s %s?%s" % (request.method, request.path, request.query))]
        for name, value in request.headers.items():
            lower = name.lower()  # HTTP header names are case-insensitive (RFC 9110, 5.1)
            if lower == "authorization":
                value = SIGNATURE.sub("Signature=<hmac>", value)
            places.append(("header " + lower, "%s: %s" % (name, value), lower, value))
        places.append(("body", request.body.decode("utf-8", "replace") if request.body else ""))
        hits = []
        for label, secret, is_token in secrets:
            for place in places:
                where, text = place[0], place[1]
                if is_token and len(place) == 4 and place[2] in TOKEN_HEADERS and place[3].strip() == secret:
                    continue  # the token in its own header: how STS credentials are meant to travel
                if any(form in variant for variant in _variants(text) for form in _forms(secret)):
                    hits.append({"cloud": cloud, "label": label, "where": where})
        with self._lock:
            self._checked += 1
            self._hits.extend(hits)
        return hits
