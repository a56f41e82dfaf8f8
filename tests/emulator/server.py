"""HTTP plumbing: one ThreadingHTTPServer per port (127.0.0.1 only) and the pipeline every API call runs through."""

import socket
import ssl
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import control, references, snapshots, sts
from .aliyun import AliyunApi
from .api import ApiError, Call, Request, Response
from .faults import FaultBook, QuotaBook
from .huawei import HuaweiApi
from .journal import Journal, redact_headers
from .signing import NonceBook, key_id_of
from .state import State
from .tencent import TencentApi
from .tls import TlsStats, server_context
from .watch import LeakWatch

MAX_BODY = 1024 * 1024


class App:
    """State, faults and journal shared by every port."""

    def __init__(self, seed, verbose=False):
        self.startup_seed = seed
        self.state = State(seed)
        self.faults = FaultBook()
        self.quotas = QuotaBook()
        self.journal = Journal()
        self.nonces = NonceBook()
        self.watch = LeakWatch()
        self.tls = TlsStats()
        self.verbose = verbose
        self.stopped = threading.Event()

    def reset(self, seed=None):
        with self.state.lock:
            self.state.load(self.startup_seed if seed is None else seed)
            self.faults.clear()
            self.quotas.clear()
            self.journal.clear()
            self.watch.clear()
            self.tls.clear()

    def handle(self, front, request):
        """parse -> authenticate -> quota -> faults -> execute (under the state lock) -> journal -> latency.

        A call beyond its action's quota (config ``quotas``) gets the cloud's throttling answer and goes no further
        (faults do not see it); its journal entry says ``fault: "quota"``.

        A fault of phase ``before`` answers instead of the call (nothing changes); one of phase ``after`` lets the
        call run and then spoils the answer (the change is made, the client does not learn it). Mutate faults
        change the state just before or just after the call runs, under the same lock.
        """
        call = Call(front.cloud, request.method, request.path, request_id=front.new_request_id())
        call.generation = self.journal.generation
        call.sent_headers = redact_headers(request.headers)
        call.key_id = key_id_of(request)
        call.tls = bool(getattr(request, "tls", False))
        call.leaks = self.watch.scan(front.cloud, request)
        code = None
        late = None
        try:
            front.parse(request, call)
            front.authenticate(self, request, call)
            sts.check_region(self.state, front.cloud, call.region if call.action != "AssumeRole" else None)
            if not self.quotas.admit(call, self.state.config["quotas"]):
                call.fault = "quota"
                raise front.fault_error("throttle", None, None, None)
            fault, mutations = self.faults.fire(call)
            if fault is not None:
                call.fault = fault.kind
                if fault.phase == "after":
                    late = fault
                elif fault.kind == "drop":
                    self.journal.record(call, None, None)
                    return Response(0, drop=True)
                elif fault.kind == "slow":
                    time.sleep(fault.delay_ms / 1000.0)
                elif fault.kind == "hold":
                    fault.hold()
                else:
                    raise front.fault_error(fault.kind, fault.code, fault.status, fault.message)
            if call.generation != self.journal.generation:
                # The emulator was reset while this call was slowed or held: it belongs to a world that is
                # gone, so it neither runs nor shows in the new journal; its client gets no answer.
                return Response(0, drop=True)
            with self.state.lock:
                self._mutate(call, mutations, "before")
                try:
                    status, payload = front.execute(self.state, call)
                    call.applied = True
                finally:
                    self._mutate(call, mutations, "after")
            response = front.render(call, status, payload)
            if late is not None:
                if late.kind == "drop":
                    self.journal.record(call, None, None)
                    return Response(0, drop=True)
                if late.kind in ("slow", "hold"):
                    # Journal first: the call is done, only its answer is late.
                    self.journal.record(call, response.status, None)
                    if late.kind == "slow":
                        time.sleep(late.delay_ms / 1000.0)
                    else:
                        late.hold()
                    return response
                raise front.fault_error(late.kind, late.code, late.status, late.message)
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

    def _mutate(self, call, mutations, phase):
        """Apply the mutate faults of this phase (the caller holds the state lock)."""
        for fault in mutations:
            if fault.phase != phase:
                continue
            image = self.state.get(call.cloud, fault.target)
            done = {"target": fault.target, "phase": phase}
            if image is None or self.state.is_deleting(image):
                done["result"] = "absent"
            else:
                if fault.set:
                    self.state.update_image(call.cloud, fault.target, fault.set)
                    done["set"] = dict(fault.set)
                if fault.delete:
                    self.state.start_delete(call.cloud, self.state.get(call.cloud, fault.target))
                    done["delete"] = True
                done["result"] = "done"
            call.mutations.append(done)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60  # idle keep-alive connections end after this many seconds
    # Headers and body go out in two writes: with Nagle on, the body waits for the client's delayed ACK
    # (40 ms on Linux) on every kept-alive connection, which would add 40 ms to each answer.
    disable_nagle_algorithm = True
    app = None
    tls_name = None  # the port's name when it serves HTTPS

    def setup(self):
        super().setup()
        if self.tls_name is not None:
            # The handshake runs here, on the connection's own thread, so a client that never completes it
            # (or refuses the certificate) cannot stall the accept loop; each outcome is counted.
            try:
                self.request.do_handshake()
            except (ssl.SSLError, OSError):
                self.app.tls.count(self.tls_name, False)
                raise
            self.app.tls.count(self.tls_name, True)

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
        request = Request(self.command, split.path, split.query, self.headers, body)
        request.tls = self.tls_name is not None
        return request

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
    verbose = False

    def handle_error(self, request, client_address):
        # A client that hung up or refused our certificate is part of the tests, not an emulator bug.
        error = sys.exc_info()[1]
        if isinstance(error, (ssl.SSLError, ConnectionError, socket.timeout)) and not self.verbose:
            return
        super().handle_error(request, client_address)


class _TlsServer(_Server):
    """Serves HTTPS: accepted sockets are wrapped here and shake hands on their own thread (_Handler.setup)."""

    context = None

    def get_request(self):
        sock, address = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address


FRONTS = {"tencent": TencentApi, "aliyun": AliyunApi, "huawei": HuaweiApi}
CLOUDS = ("tencent", "aliyun", "huawei")
LOOPBACK = ("127.0.0.1", "localhost")


def start(app, host="127.0.0.1", ports=None, tls_paths=None):
    """Start the servers on threads; return (servers, ports JSON dict).

    tls_paths (from tls.make_certificates): also serve each cloud over HTTPS on ``<cloud>_https``.
    """
    if host not in LOOPBACK and not host.startswith("127."):
        raise ValueError("the emulator listens on loopback only, not %r" % host)
    ports = ports or {}
    names = list(CLOUDS) + ["control"] + ([cloud + "_https" for cloud in CLOUDS] if tls_paths else [])
    context = server_context(tls_paths) if tls_paths else None
    servers = {}
    try:
        for name in names:
            cloud = name.split("_", maxsplit=1)[0]
            attrs = {"app": app}
            if name == "control":
                attrs["answer"] = lambda self, r: control.handle(self.app, r)
            else:
                front = FRONTS[cloud]()
                attrs["answer"] = lambda self, r, f=front, c=cloud: self.app.handle(
                    sts.route(c, r) or references.route(c, r) or snapshots.route(c, r) or f, r
                )
            server_cls = _Server
            if name.endswith("_https"):
                attrs["tls_name"] = name
                server_cls = type("TlsServer", (_TlsServer,), {"context": context})
            handler = type("Handler_" + name, (_Handler,), attrs)
            servers[name] = server_cls((host, ports.get(name) or 0), handler)
            servers[name].verbose = app.verbose
    except BaseException:
        for server in servers.values():
            server.server_close()
        raise
    for name, server in servers.items():
        threading.Thread(target=server.serve_forever, args=(0.1,), name="emulator-" + name, daemon=True).start()
    address = {name: "%s:%d" % (host, server.server_address[1]) for name, server in servers.items()}
    info = {
        "tencent": address["tencent"],
        "aliyun": address["aliyun"],
        "huawei": "http://" + address["huawei"],
        "control": "http://" + address["control"],
    }
    if tls_paths:
        info.update(
            {
                "tencent_https": address["tencent_https"],
                "aliyun_https": address["aliyun_https"],
                "huawei_https": "https://" + address["huawei_https"],
                "ca_path": tls_paths["ca.pem"],
            }
        )
        app.tls.ca_path = tls_paths["ca.pem"]
    return servers, info


def stop(servers):
    for server in servers.values():
        server.shutdown()
        server.server_close()
