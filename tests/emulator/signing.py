"""Signature verifiers for TC3-HMAC-SHA256 (Tencent), ACS3-HMAC-SHA256 and the RPC HMAC-SHA1 query signature
(Alibaba; the latter for STS, as its credentials provider sends it), SDK-HMAC-SHA256 (Huawei).

Each verifier returns the caller's Key or raises AuthFailure with a cloud-neutral `kind`; the cloud
front ends map kinds to their own error codes. `on_key` is called as soon as the key is known, so the
journal can name the account even when the signature is wrong.
"""

import base64
import calendar
import hashlib
import hmac
import re
import threading
import time
from collections import OrderedDict
from urllib.parse import parse_qsl, quote, unquote

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class AuthFailure(Exception):
    """kind: malformed, unknown_key, bad_date, expired, signature, nonce,
    token_missing, token_invalid, token_unexpected (a token with a permanent key), token_expired."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message


def _sha256(data):
    return hashlib.sha256(data if isinstance(data, bytes) else data.encode("utf-8")).hexdigest()


def _hmac(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256)


def _check_skew(timestamp, max_skew):
    if abs(time.time() - timestamp) > max_skew:
        raise AuthFailure("expired", "the request timestamp is more than %d seconds off the server time" % max_skew)


def _check_signature(expected, given):
    # The three SDKs send lowercase hex (hexdigest); anything else does not match, as on the clouds.
    if not hmac.compare_digest(expected, given):
        raise AuthFailure("signature", "the request signature does not match the one the server calculated")


def check_token(key, token):
    if key.token is None:
        if token:
            raise AuthFailure("token_unexpected", "a security token was sent with a permanent access key")
        return
    if not token:
        raise AuthFailure("token_missing", "this temporary access key needs its security token")
    if not hmac.compare_digest(token, key.token):
        raise AuthFailure("token_invalid", "the security token is not valid for this access key")
    if key.expired:
        raise AuthFailure("token_expired", "the security token has expired")


def _canonical_headers(request, signed):
    lines = []
    for name in signed:
        values = request.headers.get_all(name) or []
        if not values:
            raise AuthFailure("malformed", "signed header %s is missing from the request" % name)
        lines.append("%s:%s\n" % (name, ",".join(sorted(v.strip() for v in values))))
    return "".join(lines)


TC3_RE = re.compile(
    r"^TC3-HMAC-SHA256 Credential=([^/\s]+)/(\d{4}-\d{2}-\d{2})/([a-z0-9]+)/tc3_request,\s*"
    r"SignedHeaders=([a-z0-9;\-]+),\s*Signature=([0-9a-fA-F]{64})$"
)


def verify_tc3(request, find_key, max_skew, on_key=lambda key: None, service_name="cvm"):
    match = TC3_RE.match(request.header("Authorization", ""))
    if not match:
        raise AuthFailure("malformed", "the Authorization header is missing or is not TC3-HMAC-SHA256")
    key_id, date, service, signed, signature = match.groups()
    signed_list = signed.split(";")
    if "content-type" not in signed_list or "host" not in signed_list:
        raise AuthFailure("malformed", "SignedHeaders must include content-type and host")
    key = find_key(key_id)
    if key is None:
        raise AuthFailure("unknown_key", "the SecretId %s is not found" % key_id)
    on_key(key)
    try:
        timestamp = int(request.header("X-TC-Timestamp", ""))
    except ValueError:
        raise AuthFailure("malformed", "X-TC-Timestamp is missing or not an integer")
    _check_skew(timestamp, max_skew)
    if date != time.strftime("%Y-%m-%d", time.gmtime(timestamp)) or service != service_name:
        raise AuthFailure("signature", "the credential scope does not match the timestamp or the service")
    payload = request.body if request.method == "POST" else b""
    if request.header("X-TC-Content-SHA256") == "UNSIGNED-PAYLOAD":
        payload = b"UNSIGNED-PAYLOAD"
    query = request.query if request.method == "GET" else ""
    canonical = "%s\n/\n%s\n%s\n%s\n%s" % (
        request.method,
        query,
        _canonical_headers(request, signed_list),
        signed,
        _sha256(payload),
    )
    scope = "%s/%s/tc3_request" % (date, service)
    to_sign = "TC3-HMAC-SHA256\n%d\n%s\n%s" % (timestamp, scope, _sha256(canonical))
    secret = hmac.new(("TC3" + key.secret).encode(), date.encode(), hashlib.sha256).digest()
    secret = _hmac(_hmac(secret, service).digest(), "tc3_request").digest()
    _check_signature(_hmac(secret, to_sign).hexdigest(), signature)
    check_token(key, request.header("X-TC-Token"))
    return key


ACS3_RE = re.compile(
    r"^ACS3-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([a-z0-9;\-]+),\s*"
    r"Signature=([0-9a-fA-F]{64})$"
)


class NonceBook:
    """Remembers recent x-acs-signature-nonce values (bounded) to refuse replays."""

    def __init__(self, size=20000):
        self._seen = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def use(self, nonce):
        with self._lock:
            if nonce in self._seen:
                return False
            self._seen[nonce] = True
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)
            return True


def _acs_key(find_key, key_id, stamp, max_skew, on_key):
    """Alibaba's checks before the signature itself: the key exists, the UTC time stamp is well formed and recent."""
    key = find_key(key_id)
    if key is None:
        raise AuthFailure("unknown_key", "Specified access key is not found.")
    on_key(key)
    try:
        timestamp = calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        raise AuthFailure("bad_date", "Specified time stamp or date value is not well formatted.")
    _check_skew(timestamp, max_skew)
    return key


def verify_acs3(request, find_key, max_skew, nonces, on_key=lambda key: None):
    match = ACS3_RE.match(request.header("Authorization", ""))
    if not match:
        raise AuthFailure("malformed", "the Authorization header is missing or is not ACS3-HMAC-SHA256")
    key_id, signed, signature = match.groups()
    signed_list = signed.split(";")
    for needed in ("host", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce"):
        if needed not in signed_list:
            raise AuthFailure("malformed", "SignedHeaders must include %s" % needed)
    key = _acs_key(find_key, key_id, request.header("x-acs-date", ""), max_skew, on_key)
    content_hash = request.header("x-acs-content-sha256", "")
    if content_hash != _sha256(request.body):
        raise AuthFailure("signature", "x-acs-content-sha256 does not match the request body")
    pairs = sorted(parse_qsl(request.query, keep_blank_values=True))
    query = "&".join("%s=%s" % (k, quote(v, safe="~")) for k, v in pairs)
    canonical = "%s\n%s\n%s\n%s\n%s\n%s" % (
        request.method,
        request.path or "/",
        query,
        _canonical_headers(request, signed_list),
        signed,
        content_hash,
    )
    to_sign = "ACS3-HMAC-SHA256\n" + _sha256(canonical)
    _check_signature(_hmac(key.secret.encode(), to_sign).hexdigest(), signature)
    check_token(key, request.header("x-acs-security-token"))
    if not nonces.use(request.header("x-acs-signature-nonce", "")):
        raise AuthFailure("nonce", "Specified signature nonce was used already.")
    return key


SDK_RE = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([a-z0-9;\-]+),\s*"
    r"Signature=([0-9a-fA-F]{64})$"
)


def verify_sdk_hmac(request, find_key, max_skew, on_key=lambda key: None):
    match = SDK_RE.match(request.header("Authorization", ""))
    if not match:
        raise AuthFailure("malformed", "the Authorization header is missing or is not SDK-HMAC-SHA256")
    key_id, signed, signature = match.groups()
    signed_list = signed.split(";")
    if "host" not in signed_list or "x-sdk-date" not in signed_list:
        raise AuthFailure("malformed", "SignedHeaders must include host and x-sdk-date")
    key = find_key(key_id)
    if key is None:
        raise AuthFailure("unknown_key", "the access key %s does not exist" % key_id)
    on_key(key)
    sdk_date = request.header("X-Sdk-Date", "")
    try:
        timestamp = calendar.timegm(time.strptime(sdk_date, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        raise AuthFailure("bad_date", "X-Sdk-Date is missing or not in the form YYYYMMDDTHHMMSSZ")
    _check_skew(timestamp, max_skew)
    uri = "/".join(quote(segment, safe="~") for segment in unquote(request.path).split("/"))
    uri = uri if uri.endswith("/") else uri + "/"
    pairs = sorted(parse_qsl(request.query, keep_blank_values=True))
    query = "&".join("%s=%s" % (quote(k, safe="~"), quote(v, safe="~")) for k, v in pairs)
    if not request.body:
        payload_hash = EMPTY_SHA256
    else:
        payload_hash = request.header("X-Sdk-Content-Sha256") or _sha256(request.body)
    canonical = "%s\n%s\n%s\n%s\n%s\n%s" % (
        request.method,
        uri,
        query,
        _canonical_headers(request, signed_list),
        signed,
        payload_hash,
    )
    to_sign = "SDK-HMAC-SHA256\n%s\n%s" % (sdk_date, _sha256(canonical))
    _check_signature(_hmac(key.secret.encode(), to_sign).hexdigest(), signature)
    check_token(key, request.header("X-Security-Token"))
    return key


def rpc_encode(text):
    """RFC 3986 percent-encoding, as the RPC signature document asks (space %20, * %2A, ~ kept)."""
    return quote(text, safe="~")


def verify_rpc_hmac_sha1(request, find_key, max_skew, nonces, on_key=lambda key: None):
    """The RPC (v1) signature in the query: https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism."""
    pairs = parse_qsl(request.query, keep_blank_values=True)
    params = dict(pairs)
    if (
        params.get("SignatureMethod") != "HMAC-SHA1"
        or params.get("SignatureVersion") != "1.0"
        or "Signature" not in params
    ):
        raise AuthFailure("malformed", "SignatureMethod HMAC-SHA1, SignatureVersion 1.0 and Signature are required")
    key = _acs_key(find_key, params.get("AccessKeyId", ""), params.get("Timestamp", ""), max_skew, on_key)
    canonical = "&".join("%s=%s" % (rpc_encode(k), rpc_encode(v)) for k, v in sorted(pairs) if k != "Signature")
    to_sign = "%s&%s&%s" % (request.method, rpc_encode("/"), rpc_encode(canonical))
    expected = base64.b64encode(hmac.new((key.secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
    if not hmac.compare_digest(expected, params["Signature"]):
        raise AuthFailure("signature", "the request signature does not match the one the server calculated")
    check_token(key, params.get("SecurityToken"))
    if not nonces.use(params.get("SignatureNonce", "")):
        raise AuthFailure("nonce", "Specified signature nonce was used already.")
    return key


KEY_ID_RE = re.compile(r"(?:Credential|Access)=([^/,\s]+)")


def key_id_of(request):
    """The access key id a request names (Authorization header, or the query of a signed GET), or None."""
    match = KEY_ID_RE.search(request.header("Authorization", "") or "")
    if match:
        return match.group(1)
    query = dict(parse_qsl(request.query or "", keep_blank_values=True))
    return query.get("AccessKeyId") or query.get("SecretId")
