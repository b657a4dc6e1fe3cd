"""The AWS CLI started once and forked for each call: the same `aws` program, without its start-up.

Every `aws` command a tour pastes would otherwise start Python and import the CLI and botocore
anew (about a second each, several hundred times per tour). Here one server process imports
them, and loads the service models the guides use, once; the `aws` on the tests' PATH is a small
client that hands the server its arguments, environment, working directory and its own standard
input, output and error (the file descriptors themselves, over a Unix socket). The server forks;
the child becomes that call: it takes the descriptors as 0, 1 and 2, the environment and the
directory, and runs `awscli.clidriver.main()`, the function the installed `aws` script runs. The
exit status goes back to the client, which exits with it. So the shell sees the same program,
output, errors and status, and pipes, `$(...)`, `&&` and `set -e` behave as before.

What a fresh Python start would add, the child adds too: a `sitecustomize` module on the call's
PYTHONPATH is run (the two-readers test gates reader B's calls that way).

    python cliserver.py SOCKET   # serve (the fixture in conftest.py starts and stops it)
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The services whose models the guides load; loading them once in the server saves each call the
# JSON parsing. A service not listed still works, loaded by the call itself.
SERVICES = ("ec2", "s3", "s3api", "iam", "sts", "efs", "ssm", "sns", "events", "budgets", "cloudwatch",
            "pricing", "ce", "ec2-instance-connect", "sso", "sso-oidc", "logs")

CLIENT = '''#!{python} -IS
# `aws`, served by tests/aws/cliserver.py: hand over the call, exit with its status.
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect({path!r})
call = json.dumps({{"argv": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd()}}).encode()
socket.send_fds(s, [len(call).to_bytes(8, "big") + call], [0, 1, 2])
status = s.recv(4)
sys.exit(int.from_bytes(status, "big", signed=True) if len(status) == 4 else 255)
'''


def warm() -> None:
    """Import the CLI with its plugins, and keep what its loader reads from disk: the parsed JSON of
    the models, and the list of services (a walk of several hundred folders)."""
    import functools

    import awscli.clidriver
    import awscli.handlers  # noqa: F401  (the plugins each call would import)
    import botocore.loaders as loaders  # after awscli: the name it gives its own copy of botocore

    def remember(function, key):
        cache: dict = {}

        @functools.wraps(function)
        def cached(self, *args, **kwargs):
            k = key(self, args, kwargs)
            if k not in cache:
                cache[k] = function(self, *args, **kwargs)
            return cache[k]
        return cached

    loaders.JSONFileLoader.load_file = remember(loaders.JSONFileLoader.load_file, lambda self, a, k: (a, tuple(k.items())))
    loaders.Loader.list_available_services = remember(
        loaders.Loader.list_available_services, lambda self, a, k: (tuple(self.search_paths), a, tuple(k.items())))
    session = awscli.clidriver.create_clidriver().session
    for name in SERVICES:
        with contextlib.suppress(Exception):
            session.get_service_model(name)
            session.get_paginator_model(name)
            session.get_waiter_model(name)
    with contextlib.suppress(Exception):
        session.get_available_services()
        session.get_data("cli")
        session.get_data("endpoints")
        session.get_data("partitions")


def receive(conn: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    size = int.from_bytes(data[:8], "big")
    while len(data) - 8 < size:
        more = conn.recv(1 << 20)
        if not more:
            raise EOFError("the client hung up")
        data += more
    return json.loads(data[8:8 + size]), fds


def become(call: dict, fds: list[int]) -> int:
    """In the forked child: take over the caller's descriptors, environment and directory; run the CLI."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.environ.clear()
    os.environ.update(call["env"])
    import awscli  # its import put its own data folder on AWS_DATA_PATH; the call's environment needs it too

    ours = [os.path.expanduser(os.path.expandvars(p)) for p in call["env"].get("AWS_DATA_PATH", "").split(os.pathsep) if p]
    os.environ["AWS_DATA_PATH"] = os.pathsep.join([*ours, os.path.join(os.path.dirname(awscli.__file__), "data")])
    os.chdir(call["cwd"])
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    sys.argv = ["aws", *call["argv"]]
    for entry in reversed([p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]):
        sys.path.insert(0, entry)
        if (Path(entry) / "sitecustomize.py").is_file():
            import sitecustomize  # noqa: F401  (what a fresh start would have run)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    import awscli.clidriver

    if os.environ.get("LC_CTYPE", "") == "UTF-8":  # as the installed `aws` script does
        os.environ["LC_CTYPE"] = "en_US.UTF-8"
    try:
        status = awscli.clidriver.main()
    except SystemExit as e:
        status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, int) and e.code is not None:
            print(e.code, file=sys.stderr)
    except KeyboardInterrupt:
        status = 130
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    return status or 0


def serve(path: str) -> None:
    warm()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(path)
        listener.listen(64)
        print("ready", flush=True)
        while True:
            conn, _ = listener.accept()
            try:
                call, fds = receive(conn)
            except (OSError, EOFError, ValueError):
                conn.close()
                continue
            if os.fork() == 0:
                listener.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                status = 255
                try:
                    status = become(call, fds)
                except BaseException:  # a fault of this server, not of the call: say so on the caller's stderr
                    import traceback

                    traceback.print_exc()
                    with contextlib.suppress(Exception):
                        sys.stderr.flush()
                finally:
                    with contextlib.suppress(Exception):
                        conn.sendall(int(status).to_bytes(4, "big", signed=True))
                    os._exit(status & 0xFF if isinstance(status, int) else 255)
            conn.close()
            for fd in fds:
                os.close(fd)


@contextlib.contextmanager
def aws_cli(workdir: Path):
    """Start the server; yield a folder whose `aws` is its client, to put first on PATH."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = os.path.join(tempfile.mkdtemp(prefix="aws-"), "sock")  # short: a socket's path has a limit of 107 bytes
    proc = subprocess.Popen([sys.executable, __file__, path], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise RuntimeError("the AWS CLI server did not start")
    bindir = workdir / "bin"
    bindir.mkdir(exist_ok=True)
    client = bindir / "aws"
    client.write_text(CLIENT.format(python=sys.executable, path=path))
    client.chmod(0o755)
    try:
        yield bindir
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "time":  # python cliserver.py time N: calls per second
        with aws_cli(Path(sys.argv[2])) as bindir:
            started = time.monotonic()
            for _ in range(10):
                subprocess.run([str(bindir / "aws"), "--version"], check=True, capture_output=True)
            print(f"{(time.monotonic() - started) / 10 * 1000:.0f} ms per call")
    else:
        serve(sys.argv[1])
