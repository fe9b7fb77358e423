"""Browser journeys against a real `liaison serve --demo` on loopback, with a fresh database.

The server binary comes from LIAISON_BIN (default: the debug build). Chromium and chromedriver
come from Debian's packages; nothing is downloaded.
"""
import email
import email.policy
import os
import pathlib
import socket
import subprocess
import sys
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


class Mailbox:
    """A real SMTP server on loopback (scripts/test-smtp-server); messages land in a folder."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="liaison-e2e-mail-")
        self.process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "test-smtp-server"), "--maildir", self.folder],
                                        stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline().split()[1])

    def wait_for(self, recipient, timeout=30):
        """The text of the first message to `recipient`, waiting for the worker to deliver it."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for name in sorted(os.listdir(self.folder)):
                if not name.endswith(".eml"):
                    continue
                with open(os.path.join(self.folder, name), "rb") as file:
                    message = email.message_from_binary_file(file, policy=email.policy.default)
                if message["X-Envelope-To"] == recipient:
                    return message
            time.sleep(0.5)
        raise AssertionError(f"no email reached {recipient} within {timeout} s")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def mailbox():
    box = Mailbox()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def mllp_port():
    """Where the demo server listens for hospitals' HL7 messages over MLLP."""
    return free_port()


@pytest.fixture(scope="session")
def server(mailbox, mllp_port):
    binary = os.environ.get("LIAISON_BIN", str(ROOT / ".build" / "debug" / "liaison"))
    workdir = tempfile.mkdtemp(prefix="liaison-e2e-")
    port = free_port()
    env = dict(os.environ, LIAISON_DATABASE_URL=os.path.join(workdir, "liaison.sqlite"), LIAISON_BCRYPT_COST="8",
               LIAISON_SMTP_URL=f"smtp://127.0.0.1:{mailbox.port}", LIAISON_MAIL_FROM="Liaison <noreply@liaison.test>",
               LIAISON_MLLP_PORT=str(mllp_port))
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
