"""The local admin login `epitope demo` prints: one random password, kept in var/ so reruns agree."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model

USERNAME = "admin"


@dataclass
class AdminLogin:
    username: str
    password: str
    works: bool  # False when someone changed the account's password since the file was written


def stored_password(path):
    """Return the password kept in `path`, creating the file with a new random one if absent."""
    path = Path(path)
    if path.exists():
        password = path.read_text().strip()
        if password:
            return password
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.touch(mode=0o600)
    path.write_text(password + "\n")
    return password


def ensure_admin(password_file):
    """Return the demo's admin login, creating the superuser if there is none called `admin`."""
    password = stored_password(password_file)
    User = get_user_model()
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        User.objects.create_superuser(USERNAME, email="admin@localhost", password=password)
        return AdminLogin(USERNAME, password, works=True)
    # An existing account keeps its password: an editor may have changed it on purpose.
    return AdminLogin(USERNAME, password, works=user.check_password(password))
