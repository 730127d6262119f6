"""The package as an operator installs it: a wheel, not the checkout.

The wheel is built by docker/build-wheel.sh and installed by docker/install-wheel.sh, the two
scripts the container image runs, into a fresh venv outside the checkout. No network: the venv
sees the dependencies already installed for the test suite (the pins of requirements.txt)
through a folder of links that leaves out the checkout's own editable install, and pip runs
with PIP_NO_INDEX=1, so a dependency the wheel declares but the pins do not satisfy fails the
install. Then `epitope demo --no-serve` and `epitope serve` run from that venv, in a temporary
folder, and the pages, a static file and an image rendition are fetched over HTTP.
"""

import os
import re
import signal
import subprocess
import sys
import sysconfig
import time
import tomllib
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.test_production_server import free_port, get

ROOT = Path(__file__).resolve().parent.parent
# What the project venv holds that must not be seen from the fresh one: the checkout's own
# (editable) install, and pip, which the fresh venv brings itself.
HIDDEN = re.compile(r"^(__editable__.*|_?epitope.*|pip|pip-.*\.dist-info)$")


def run(argv, **kwargs):
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{argv} failed:\n{result.stdout}\n{result.stderr}"
    return result


def outside_env(**extra):
    """The environment of an operator's shell: nothing of the test run's settings or paths."""
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EPITOPE_", "PIP_")) and k not in dropped}
    return {**env, **extra}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    run(["sh", str(ROOT / "docker" / "build-wheel.sh"), str(dist)], env=outside_env(PYTHON=sys.executable))
    wheels = list(dist.glob("epitope-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    """A fresh venv with the wheel installed, seeing the suite's dependencies but not the checkout."""
    base = tmp_path_factory.mktemp("installed")
    deps = base / "deps"
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not HIDDEN.match(entry.name):
            (deps / entry.name).symlink_to(entry)
    venv = base / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "_suite_dependencies.pth").write_text(f"import site; site.addsitedir({str(deps)!r})\n")
    run(["sh", str(ROOT / "docker" / "install-wheel.sh"), str(wheel.parent)],
        env=outside_env(PYTHON=str(python), PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1"), cwd=base)
    # pip writes console scripts only for what it installs: granian's comes from its own wheel in
    # the image; here the suite's copy is pointed at the new interpreter, as pip would write it.
    script = (Path(sys.executable).parent / "granian").read_text().split("\n", 1)[1]
    (venv / "bin" / "granian").write_text(f"#!{python}\n{script}")
    (venv / "bin" / "granian").chmod(0o755)
    return venv


def test_the_wheel_holds_every_file_of_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = run(["git", "ls-files", "epitope"], cwd=ROOT).stdout.split()
    missing = [name for name in tracked if name not in names]
    assert not missing, f"files under epitope/ left out of the wheel: {missing}"
    for data in ("epitope/templates/base.html", "epitope/static/epitope/css/site.css",
                 "epitope/classify/vocabulary/io_vocabulary.json", "epitope/classify/model/relevance.json.gz",
                 "epitope/core/migrations/0001_initial.py", "epitope-0.1.0.dist-info/licenses/LICENSE"):
        assert data in names
    assert any(re.match(r"epitope/ingest/_minhash\..*\.so$", name) for name in names)  # the C helper is built


def test_every_declared_dependency_is_pinned_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("#")[0].strip().split("==")
            pins[canonicalize_name(name)] = version
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    assert declared
    for spec in map(Requirement, declared):
        pinned = pins.get(canonicalize_name(spec.name))
        assert pinned, f"{spec.name} is declared but not pinned in requirements.txt"
        assert spec.specifier.contains(pinned, prereleases=True), f"{spec.name}=={pinned} is outside {spec}"


def test_the_installed_wheel_runs_the_demo_and_the_production_server(venv, tmp_path):
    work = tmp_path / "work"  # an operator's folder: not the checkout, nothing importable in it
    work.mkdir()
    var = tmp_path / "var"
    env = outside_env(EPITOPE_VAR_DIR=str(var))
    epitope = str(venv / "bin" / "epitope")

    where = run([str(venv / "bin" / "python"), "-c", "import epitope; print(epitope.__file__)"], cwd=work, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    assert run([epitope, "--version"], cwd=work, env=env).stdout.strip() == "epitope 0.1.0"

    demo = run([epitope, "demo", "--no-serve"], cwd=work, env=env)
    assert f"Data folder: {var}" in demo.stdout
    assert (var / "epitope.sqlite3").is_file() and (var / "demo-admin.txt").is_file()

    port = free_port()
    server = subprocess.Popen([epitope, "serve", "--port", str(port), "--workers", "1"], cwd=work, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                status, _, health = get(base + "/healthz")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("epitope serve did not answer:\n" + _output(server))
                time.sleep(0.5)
        assert status == 200 and b'"database": "ok"' in health

        status, _, hub = get(base + "/cancer-immunology/")
        hub = hub.decode()
        assert status == 200 and "Cancer Immunology" in hub
        article = re.search(r'class="card-title"><a href="([^"]+)"', hub).group(1)
        status, _, page = get(urljoin(base + "/", article))
        page = page.decode()
        assert status == 200 and "<article" in page

        stylesheet = re.search(r'href="(/static/epitope/css/site\.[0-9a-f]+\.css)"', hub).group(1)
        status, headers, css = get(base + stylesheet)
        assert status == 200 and headers["Content-Type"].startswith("text/css") and b"{" in css

        image = re.search(r'src="(/media/images/[^"]+\.(?:jpg|jpeg|png|webp|avif))"', page).group(1)
        status, headers, picture = get(base + image)
        assert status == 200 and headers["Content-Type"].startswith("image/") and len(picture) > 1000
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def _output(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    return proc.stdout.read().decode(errors="replace")
