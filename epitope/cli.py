"""The `epitope` command: Django's management commands with Epitope's settings profile.

Every command of a deployment must run with the server's settings, or the worker would mail
digests to the console and purge a page cache the server never reads. So the profile follows
the deployment, not a variable the operator has to remember:

1. `DJANGO_SETTINGS_MODULE`, when set, wins (the test suite, benchmarks, custom settings);
2. else `EPITOPE_PROFILE` (`production` or `dev`);
3. else production when production configuration is present (`EPITOPE_SECRET_KEY`), dev if not.

Before choosing, the deployment's environment file is read (EPITOPE_ENV_FILE, default
/etc/epitope/epitope.env if it exists): `KEY=VALUE` lines, as systemd's EnvironmentFile and
compose's env_file read them, so a cron job or an SSH shell sees what the service sees. A
variable already in the environment wins over the file.
"""

import os
import sys
from importlib import metadata
from pathlib import Path

PROFILES = {"production": "epitope.settings.production", "dev": "epitope.settings.dev"}
DEFAULT_ENV_FILE = "/etc/epitope/epitope.env"
# Commands for a laptop, never a deployment: the demo loads sample content and prints a login.
LOCAL_COMMANDS = {"demo"}
# `epitope serve` only prepares the environment and runs each step (collectstatic, migrate, the
# server) with the production settings itself; its own process needs neither, and on loopback it
# fills in the allowed hosts that production settings would refuse to start without.
LAUNCHERS = {"serve"}


class UsageError(Exception):
    """An operator's mistake in the profile variables, reported without a traceback."""


def read_env_file(path):
    """Return the KEY=VALUE pairs of an environment file (comments, blanks and `export` allowed)."""
    values = {}
    for number, raw in enumerate(Path(path).read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").strip()
        name, sep, value = line.partition("=")
        if not sep or not name.strip().isidentifier():
            raise UsageError(f"settings: {path}:{number}: expected NAME=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def load_env_file(environ):
    """Add the environment file's variables missing from `environ`; return the file read, or None."""
    path = environ.get("EPITOPE_ENV_FILE") or DEFAULT_ENV_FILE
    if not os.path.isfile(path):
        if environ.get("EPITOPE_ENV_FILE"):
            raise UsageError(f"settings: EPITOPE_ENV_FILE={path} is not a readable file")
        return None
    try:
        values = read_env_file(path)
    except OSError as exc:
        raise UsageError(f"settings: cannot read {path}: {exc.strerror}") from exc
    for name, value in values.items():
        environ.setdefault(name, value)
    return path


def choose_settings(environ, command=None):
    """Return (settings module, why) for this environment, setting DJANGO_SETTINGS_MODULE in it."""
    if environ.get("DJANGO_SETTINGS_MODULE"):
        return environ["DJANGO_SETTINGS_MODULE"], "DJANGO_SETTINGS_MODULE is set"
    profile = environ.get("EPITOPE_PROFILE", "").strip().lower()
    if profile:
        if profile not in PROFILES:
            raise UsageError(f"settings: EPITOPE_PROFILE must be one of {', '.join(PROFILES)}, not {profile!r}")
        why = "EPITOPE_PROFILE"
    elif command in LOCAL_COMMANDS:
        profile, why = "dev", f"`epitope {command}` is local"
    elif command in LAUNCHERS:
        profile, why = "dev", f"`epitope {command}` runs its steps with production settings"
    elif environ.get("EPITOPE_SECRET_KEY"):
        profile, why = "production", "EPITOPE_SECRET_KEY is set"
    else:
        profile, why = "dev", "no EPITOPE_SECRET_KEY"
    environ["DJANGO_SETTINGS_MODULE"] = PROFILES[profile]
    return PROFILES[profile], why


def version():
    """Return the installed package's version, or pyproject's in a checkout that was never installed."""
    try:
        return metadata.version("epitope")
    except metadata.PackageNotFoundError:
        import tomllib

        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        return tomllib.loads(pyproject.read_text())["project"]["version"]


def announces(argv):
    """Return whether the start-up line belongs on stderr for this command line."""
    quiet = {"--help", "-h", "help", "--version", "version", "--verbosity=0", "-v0"}
    # `epitope serve` names its own settings: the server always runs the production profile.
    if not argv or argv[0] in LAUNCHERS or quiet & set(argv):
        return False
    return not any(a in ("--verbosity", "-v") and b == "0" for a, b in zip(argv, argv[1:]))


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    from epitope.commands import canonical

    argv = canonical(argv)  # before the profile is chosen: it depends on the command's name
    if argv[:1] == ["--version"]:
        print(f"epitope {version()}")
        return
    try:
        env_file = load_env_file(os.environ)
        module, why = choose_settings(os.environ, argv[0] if argv else None)
    except UsageError as exc:
        print(f"epitope: {exc}", file=sys.stderr)
        sys.exit(2)  # bad usage, as argparse exits
    if announces(argv):
        source = f", {env_file} read" if env_file else ""
        print(f"epitope: settings {module} ({why}{source})", file=sys.stderr, flush=True)
    from epitope.dispatcher import dispatch

    dispatch(argv)


if __name__ == "__main__":
    main()
