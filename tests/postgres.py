"""A PostgreSQL server for the tests: $KDRAMA_TEST_DATABASE_URL, else a throwaway cluster.

CI (`.ci/run`) starts a cluster and sets KDRAMA_TEST_DATABASE_URL. On a developer machine with
Debian's ``postgresql`` installed (``make postgres``) and no URL set, ``throwaway_cluster()`` runs
``initdb`` in a temp dir and starts the server on a free loopback port, as an unprivileged user
(PostgreSQL refuses to run as root), and stops it at the end of the session. Each test gets its
own fresh database from ``fresh_database()``, so tests never see each other's rows.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from .servers import free_port

ENV = "KDRAMA_TEST_DATABASE_URL"

__all__ = ["ENV", "fresh_database", "pg_binaries", "throwaway_cluster"]


def pg_binaries() -> Path | None:
    """The newest Debian PostgreSQL bin directory (``/usr/lib/postgresql/15/bin``), if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def _run_as() -> dict:
    """As root, run the server as the `postgres` user (or nobody); otherwise as ourselves."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return {"user": entry.pw_uid, "group": entry.pw_gid}
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """initdb + pg_ctl start in a temp dir; yields a URL for the superuser `kdrama`; removed on exit."""
    binaries = pg_binaries()
    if binaries is None:
        raise RuntimeError("no /usr/lib/postgresql/*/bin/initdb (install Debian's postgresql: `make postgres`)")
    owner = _run_as()
    root = Path(tempfile.mkdtemp(prefix="kdrama-pg-"))
    if owner:
        os.chown(root, owner["user"], owner["group"])
    data, port = root / "data", free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True, **owner}
    try:
        subprocess.run([binaries / "initdb", "-D", data, "-U", "kdrama", "--auth=trust", "-E", "UTF8", "--no-sync"],
                       **quiet)
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run([binaries / "pg_ctl", "-D", data, "-o", options, "-l", root / "server.log", "-w", "start"], **quiet)
        try:
            yield f"postgresql://kdrama@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([binaries / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], **{**quiet, "check": False})
    except subprocess.CalledProcessError as exc:
        log = (root / "server.log").read_text(errors="replace") if (root / "server.log").exists() else ""
        raise RuntimeError(f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')}{log}") from None
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new empty database on the server; dropped (with its connections) afterwards."""
    import psycopg

    name = f"kdrama_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
