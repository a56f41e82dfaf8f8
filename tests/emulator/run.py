"""Start the emulator: python tests/emulator/run.py [--seed FILE] [--background] ... (see docs/emulator.md)."""

import argparse
import json
import os
import select
import shutil
import signal
import sys
import tempfile

if __package__ in (None, ""):  # run as a script: make `emulator` importable from tests/
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from emulator import seed as seeds  # noqa: E402
from emulator import (
    server,  # noqa: E402
    tls,  # noqa: E402
)

READY_TIMEOUT = 30


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Local emulator of the Tencent, Alibaba and Huawei image APIs.")
    parser.add_argument("--seed", default=seeds.DEFAULT_SEED_FILE, help="YAML or JSON seed file")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    for name in ("tencent", "aliyun", "huawei", "control"):
        parser.add_argument("--%s-port" % name, type=int, default=0, help="0 picks a free port")
    for name in ("tencent", "aliyun", "huawei"):
        parser.add_argument("--%s-https-port" % name, type=int, default=0, help="HTTPS port; 0 picks a free port")
    parser.add_argument(
        "--tls-dir",
        help="where to write the generated CA (ca.pem) and server key; default: a temporary directory removed at exit",
    )
    parser.add_argument("--no-tls", action="store_true", help="serve plain HTTP only")
    parser.add_argument(
        "--parent-pid",
        type=int,
        help="stop when this process ends (test runners pass their own pid, "
        "so that a killed test run leaves no emulator behind)",
    )
    parser.add_argument("--ports-file", help="also write the ports JSON here")
    parser.add_argument("--background", action="store_true", help="fork, print the ports, exit 0")
    parser.add_argument("--latency-ms", type=int, help="added to every API answer")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser.parse_args(argv)


def load_seed(args):
    seed = seeds.load_file(args.seed)
    if args.latency_ms is not None:
        seed = dict(seed, config=dict(seed.get("config") or {}, latency_ms=args.latency_ms))
    seeds.normalize(seed)  # fail here, before anything listens, on a bad seed
    return seed


def serve(args, seed, ready):
    """Listen, call ready(info_line), then block until /shutdown or SIGTERM."""
    app = server.App(seed, verbose=args.verbose)
    ports = {name: getattr(args, name + "_port") for name in ("tencent", "aliyun", "huawei", "control")}
    ports.update({name + "_https": getattr(args, name + "_https_port") for name in ("tencent", "aliyun", "huawei")})
    tls_paths, tls_dir, own_dir = None, args.tls_dir, False
    if not args.no_tls:
        if not tls.available():
            raise ValueError("HTTPS needs the cryptography package (or use --no-tls)")
        if not tls_dir:
            tls_dir, own_dir = tempfile.mkdtemp(prefix="emulator-tls-"), True
        tls_paths = tls.make_certificates(os.path.abspath(tls_dir))
    try:
        _serve(args, app, ports, tls_paths, ready)
    finally:
        if own_dir:
            shutil.rmtree(tls_dir, ignore_errors=True)


def _serve(args, app, ports, tls_paths, ready):
    servers, info = server.start(app, args.host, ports, tls_paths)
    info["pid"] = os.getpid()
    line = json.dumps(info)
    if args.ports_file:
        with open(args.ports_file, "w", encoding="utf-8") as handle:
            handle.write(line + "\n")
    signal.signal(signal.SIGTERM, lambda signum, frame: app.stopped.set())
    signal.signal(signal.SIGINT, lambda signum, frame: app.stopped.set())
    ready(line)
    while not app.stopped.wait(0.5):
        if args.parent_pid and not _alive(args.parent_pid):
            break
    server.stop(servers)


def _alive(pid):
    if os.getppid() != pid and os.getppid() == 1:
        return False  # re-parented: our parent is gone (a reused pid does not fool this)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_background(args, seed):
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)

        def ready(line):
            os.write(write_end, (line + "\n").encode())
            os.close(write_end)

        status = 0
        try:
            serve(args, seed, ready)
        except BaseException as error:  # tell the parent why, it is the one with a terminal
            os.write(write_end, ("ERROR %s\n" % error).encode())
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    readable = select.select([read_end], [], [], READY_TIMEOUT)[0]
    line = os.read(read_end, 65536).decode().strip() if readable else ""
    if not line.startswith("{"):
        sys.stderr.write("the emulator did not start: %s\n" % (line or "no answer in %d s" % READY_TIMEOUT))
        return 1
    print(line, flush=True)
    return 0


def main(argv=None):
    args = parse_args(argv)
    try:
        seed = load_seed(args)
    except (OSError, ValueError) as error:
        sys.stderr.write("cannot load the seed %s: %s\n" % (args.seed, error))
        return 2
    if args.background:
        return run_background(args, seed)
    try:
        serve(args, seed, lambda line: print(line, flush=True))
    except (OSError, ValueError) as error:
        sys.stderr.write("the emulator did not start: %s\n" % error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
