"""Browser journeys against a real `liaison serve --demo` on loopback, with a fresh database.

The server binary comes from LIAISON_BIN (default: the debug build). Chromium and chromedriver
come from Debian's packages; nothing is downloaded.
"""
import os
import pathlib
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTIFACTS = pathlib.Path(__file__).resolve().parent / "artifacts"
PASSWORD = "liaison-demo"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    binary = os.environ.get("LIAISON_BIN", str(ROOT / ".build" / "debug" / "liaison"))
    workdir = tempfile.mkdtemp(prefix="liaison-e2e-")
    port = free_port()
    env = dict(os.environ, LIAISON_DATABASE_URL=os.path.join(workdir, "liaison.sqlite"), LIAISON_BCRYPT_COST="8")
    log = open(os.path.join(workdir, "server.log"), "w")
    process = subprocess.Popen([binary, "serve", "--demo", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(base + "/ready", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        raise RuntimeError("liaison did not become ready; see " + log.name)
    yield base
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def browser(request):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.implicitly_wait(2)
    request.node.driver = driver
    yield driver
    driver.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    driver = getattr(item, "driver", None)
    if report.when == "call" and report.failed and driver is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{item.name}.png"
        driver.save_screenshot(str(path))
        report.sections.append(("screenshot", str(path)))
