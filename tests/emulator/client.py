"""A small client of the emulator's control API (standard library only, never through a proxy)."""

import json
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__("%s: %s" % (status, message))
        self.status = status
        self.message = message


class ControlClient:
    def __init__(self, base_url, timeout=10):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _call(self, method, path, body=None, **query):
        query = {k: v for k, v in query.items() if v is not None}
        url = self.base_url + path + ("?" + urlencode(query) if query else "")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            payload = error.read()
            try:
                message = json.loads(payload).get("error", payload)
            except ValueError:
                message = payload.decode(errors="replace")
            raise ControlError(error.code, message) from None

    def health(self):
        return self._call("GET", "/health")

    def reset(self, seed=None):
        """Replace accounts, images, config, faults and journal (None: the seed the emulator started with)."""
        return self._call("POST", "/reset", {} if seed is None else {"seed": seed})

    def journal(self, cloud=None, mutating=None):
        flag = None if mutating is None else ("1" if mutating else "0")
        return self._call("GET", "/journal", cloud=cloud, mutating=flag)["calls"]

    def clear_journal(self):
        return self._call("DELETE", "/journal")

    def add_images(self, cloud, images):
        return self._call("POST", "/images", {"cloud": cloud, "images": list(images)})["images"]

    def images(self, cloud, region=None, account=None):
        return self._call("GET", "/images", cloud=cloud, region=region, account=account)["images"]

    def update_image(self, cloud, image_id, **fields):
        return self._call("PATCH", "/images/%s/%s" % (cloud, quote(image_id, safe="")), fields)["image"]

    def add_fault(self, **fault):
        return self._call("POST", "/faults", fault)["fault"]

    def faults(self):
        return self._call("GET", "/faults")["faults"]

    def clear_faults(self):
        return self._call("DELETE", "/faults")

    def configure(self, **config):
        return self._call("POST", "/config", config)["config"]

    def config(self):
        return self._call("GET", "/config")["config"]

    def snapshots(self, cloud, account=None):
        """Tencent/Alibaba snapshots and Huawei CSBS backups still present (DeleteBindedSnap, delete_backup)."""
        return self._call("GET", "/snapshots", cloud=cloud, account=account)["snapshots"]

    def add_references(self, cloud, records):
        """Launch templates, scaling configurations, servers that name images (references.py)."""
        return self._call("POST", "/references", {"cloud": cloud, "references": list(records)})["references"]

    def deny(self, cloud, action, **fields):
        """From now on ``action`` answers the cloud's permission error (fields: account, code, status)."""
        return self._call("POST", "/denied", dict(fields, cloud=cloud, action=action))["denied"]

    def watch(self, secrets):
        """Search every API request from now on for these secrets: [{"label", "value", "token": bool}]."""
        return self._call("POST", "/watch", {"secrets": list(secrets)})

    def leaks(self):
        """{"watching": [labels], "checked": N, "hits": [{cloud, label, where}]} (never the values)."""
        return self._call("GET", "/watch")

    def clear_watch(self):
        return self._call("DELETE", "/watch")

    def tls(self):
        """{"ca_path": PATH, "ports": {"<cloud>_https": {"handshakes": N, "failures": M}}}."""
        return self._call("GET", "/tls")

    def shutdown(self):
        return self._call("POST", "/shutdown")
