"""Two-factor sign-in in a real browser: the QR code on the set-up page is scanned (decoded from a
screenshot by zxing-cpp, as a phone's camera would), and codes are computed as an authenticator
app computes them (RFC 6238)."""
import base64
import hashlib
import hmac
import io
import re
import time
import urllib.parse

import zxingcpp
from PIL import Image
from selenium.webdriver.common.by import By

from pages import Visitor

# The demo's published key (demo data only): its administrators and dr.kim use it.
DEMO_KEY = b"LIAISONDEMOAUTHENTICATORKEY23456"


def app_code(key, at):
    """The six digits an authenticator app shows at `at` (seconds since 1970)."""
    digest = hmac.new(key, int(at // 30).to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset:offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_sets_up_two_factor_by_scanning_the_qr_code(browser, server):
    person = Visitor(browser, server)
    person.sign_in("dr.feld@demo.liaison.example")
    person.open("/account/two-factor")
    person.submit("Set up two-factor sign-in")
    qr = browser.find_element(By.CSS_SELECTOR, ".qr svg")
    scanned = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot_as_png)))
    assert len(scanned) == 1, "the QR code on the page does not scan"
    address = scanned[0].text
    assert address.startswith("otpauth://totp/Liaison:dr.feld%40demo.liaison.example?secret=") or \
        address.startswith("otpauth://totp/Liaison:dr.feld@demo.liaison.example?secret=")
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(address).query)["secret"][0]
    shown = browser.find_element(By.CSS_SELECTOR, "code.secret").text.replace(" ", "")
    assert shown == secret, "the key in text differs from the one in the QR code"
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))

    now = time.time()
    person.fill("code", app_code(key, now))
    person.submit("Turn on two-factor sign-in")
    assert "Your recovery codes" in person.text
    codes = re.findall(r"\b[a-z2-9]{5}-[a-z2-9]{5}\b", person.text)
    assert len(codes) == 10
    person.sign_out()

    # Signing in now asks for the code after the password; the next code from the app works.
    person.sign_in("dr.feld@demo.liaison.example", code=app_code(key, now + 30))
    assert person.heading.startswith("Welcome")


def test_emergency_physician_breaks_the_glass_with_a_code(browser, server):
    doctor = Visitor(browser, server)
    now = time.time()
    doctor.sign_in("dr.kim@demo.liaison.example", code=app_code(DEMO_KEY, now))
    doctor.open("/emergency-access")
    doctor.fill("givenName", "Jamie")
    doctor.fill("familyName", "Calloway")
    browser.execute_script("document.getElementById('dateOfBirth').value = '1988-05-14'")
    doctor.fill("reason", "Brought in unconscious; need current medication list.")
    doctor.fill("code", app_code(DEMO_KEY, now + 30))
    doctor.submit("Open the record")
    assert "Emergency access granted" in doctor.text
    assert "Calloway" in doctor.heading
