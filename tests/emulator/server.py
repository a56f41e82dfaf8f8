"""HTTP plumbing: one ThreadingHTTPServer per port (127.0.0.1 only) and the pipeline every API call runs through."""
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import control
from .aliyun import AliyunApi
from .api import ApiError, Call, Request, Response
from .faults import FaultBook
from .huawei import HuaweiApi
from .journal import Journal, redact_headers
from .signing import NonceBook
from .state import State
from .tencent import TencentApi

MAX_BODY = 1024 * 1024


class App:
    """State, faults and journal shared by every port."""

    def __init__(self, seed, verbose=False):
        self.startup_seed = seed
        self.state = State(seed)
        self.faults = FaultBook()
        self.journal = Journal()
        self.nonces = NonceBook()
        self.verbose = verbose
        self.stopped = threading.Event()

    def reset(self, seed=None):
        with self.state.lock:
            self.state.load(self.startup_seed if seed is None else seed)
            self.faults.clear()
            self.journal.clear()

    def handle(self, front, request):
        """parse -> authenticate -> faults -> execute (under the state lock) -> journal -> latency."""
        call = Call(front.cloud, request.method, request.path, request_id=front.new_request_id())
        call.sent_headers = redact_headers(request.headers)
        code = None
        try:
            front.parse(request, call)
            front.authenticate(self, request, call)
            fault = self.faults.match(call)
            if fault is not None:
                call.fault = fault.kind
                if fault.kind == "drop":
                    self.journal.record(call, None, None)
                    return Response(0, drop=True)
                if fault.kind == "slow":
                    time.sleep(fault.delay_ms / 1000.0)
                else:
                    raise front.fault_error(fault.kind, fault.code, fault.status, fault.message)
            with self.state.lock:
                status, payload = front.execute(self.state, call)
            response = front.render(call, status, payload)
        except ApiError as error:
            code = error.code
            response = front.render_error(call, error)
        except Exception:  # a bug in the emulator: answer the cloud's internal error, say why on stderr
            traceback.print_exc()
            error = front.fault_error("server_error", None, None, None)
            code = error.code
            response = front.render_error(call, error)
        self.journal.record(call, response.status, code)
        latency = self.state.config["latency_ms"]
        if latency:
            time.sleep(latency / 1000.0)
        return response


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60  # idle keep-alive connections end after this many seconds
    app = None

    def log_message(self, fmt, *args):
        if self.app.verbose:
            sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def _read_request(self):
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            self._send(Response.json(413, {"error": "request body too large"}))
            return None
        body = self.rfile.read(length) if length else b""
        return Request(self.command, split.path, split.query, self.headers, body)

    def _send(self, response):
        if response.drop:
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _serve(self):
        request = self._read_request()
        if request is not None:
            self._send(self.answer(request))

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


FRONTS = {"tencent": TencentApi, "aliyun": AliyunApi, "huawei": HuaweiApi}
LOOPBACK = ("127.0.0.1", "localhost")


def start(app, host="127.0.0.1", ports=None):
    """Start the four servers on threads; return (servers, ports JSON dict)."""
    if host not in LOOPBACK and not host.startswith("127."):
        raise ValueError("the emulator listens on loopback only, not %r" % host)
    ports = ports or {}
    servers = {}
    for name in ("tencent", "aliyun", "huawei", "control"):
        if name == "control":
            handler = type("ControlHandler", (_Handler,),
                           {"app": app, "answer": lambda self, r: control.handle(self.app, r)})
        else:
            front = FRONTS[name]()
            handler = type(name.title() + "Handler", (_Handler,),
                           {"app": app, "answer": lambda self, r, f=front: self.app.handle(f, r)})
        servers[name] = _Server((host, ports.get(name, 0)), handler)
    for name, server in servers.items():
        threading.Thread(target=server.serve_forever, args=(0.1,), name="emulator-" + name, daemon=True).start()
    address = {name: "%s:%d" % (host, server.server_address[1]) for name, server in servers.items()}
    info = {"tencent": address["tencent"], "aliyun": address["aliyun"],
            "huawei": "http://" + address["huawei"], "control": "http://" + address["control"]}
    return servers, info


def stop(servers):
    for server in servers.values():
        server.shutdown()
        server.server_close()
