"""A real IMAP server for the tests: Debian's Dovecot, run unprivileged on a
loopback port with its own configuration under a temporary folder."""

from __future__ import annotations

import imaplib
import itertools
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
PASSWORD = "rahasia-kotak"
USERS = 200

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


class Dovecot:
    def __init__(self, root: Path, port: int = 0) -> None:
        # A free loopback port unless one is given: parallel runs never clash.
        self.root, self.port = root, port or _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._users = itertools.count(1)

    def start(self) -> None:
        as_root = os.getuid() == 0
        user, group = ("nobody", "nogroup") if as_root else (_me(), _my_group())
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        # Every user the tests may take, written before the server reads the file.
        (self.root / "users").write_text(
            "".join(f"{_user(n)}:{{PLAIN}}{PASSWORD}\n" for n in range(1, USERS + 1))
        )
        (self.root / "dovecot.conf").write_text(
            CONFIG.format(root=self.root, port=self.port, user=user, group=group)
        )
        command = [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")]
        if as_root:
            # Never run a test server as root: drop to nobody.
            shutil.chown(self.root, "nobody", "nogroup")
            for path in self.root.rglob("*"):
                shutil.chown(path, "nobody", "nogroup")
            command = [
                "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command
            ]  # fmt: skip
        self.process = subprocess.Popen(command)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("dovecot did not start: " + self.log())

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def new_user(self) -> str:
        """A user whose mailbox no test has used yet (password ``PASSWORD``)."""
        n = next(self._users)
        assert n <= USERS, "raise USERS"
        return _user(n)

    def append(self, user: str, password: str, message: bytes) -> None:
        client = imaplib.IMAP4("127.0.0.1", self.port)
        try:
            client.login(user, password)
            status, data = client.append("INBOX", None, None, message)
            assert status == "OK", data
        finally:
            client.logout()

    def maildir_new(self, user: str) -> Path:
        """The folder a message file dropped into appears from (Maildir ``new``);
        created by signing in once."""
        client = imaplib.IMAP4("127.0.0.1", self.port)
        client.login(user, PASSWORD)
        client.select("INBOX")
        client.logout()
        return self.root / "mail" / user / "new"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _user(n: int) -> str:
    return f"tu{n}@keerom.invalid"


def _me() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


def _my_group() -> str:
    import grp

    return grp.getgrgid(os.getgid()).gr_name
