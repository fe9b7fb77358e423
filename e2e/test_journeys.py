"""The journeys people take through Liaison, in a real browser."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from pages import Visitor


def test_clinician_signs_in_and_sees_their_start_page(browser, server):
    visitor = Visitor(browser, server)
    visitor.sign_in("dr.haddad@demo.liaison.example")
    assert visitor.heading == "Welcome, Dr. Samir Haddad"


def test_wrong_password_is_explained(browser, server):
    visitor = Visitor(browser, server)
    visitor.open("/sign-in")
    visitor.fill("email", "dr.haddad@demo.liaison.example")
    visitor.fill("password", "not the password")
    visitor.submit("Sign in")
    assert "do not match an account" in visitor.text


def test_finds_a_psychologist_with_openings_in_the_directory(browser, server):
    visitor = Visitor(browser, server)
    visitor.sign_in("dr.haddad@demo.liaison.example")
    visitor.open("/directory")
    Select(browser.find_element(By.ID, "discipline")).select_by_visible_text("Psychologist")
    browser.find_element(By.ID, "openings").click()
    visitor.submit("Search")
    assert "Taking new patients" in visitor.text
    visitor.click_link("Dr. Maja Lindqvist")
    assert visitor.heading == "Dr. Maja Lindqvist"
    assert "How to reach Dr. Maja Lindqvist" in visitor.text


@pytest.mark.parametrize("width", [1280, 375])
def test_a_referral_loop_from_referral_to_closing_summary(browser, server, width):
    """The whole loop, on a laptop and at phone width; at phone width every page is kept as a
    screenshot in e2e/artifacts/phone-loop."""
    browser.set_window_size(width, 1400 if width > 500 else 812)
    shots = "phone-loop" if width < 500 else None
    referrer = Visitor(browser, server, screenshots=shots)
    referrer.sign_in("dr.haddad@demo.liaison.example")
    referrer.write_referral("Natarajan, Priya (1972-11-02)", "Dr. Maja Lindqvist", "Panic attacks twice weekly despite sertraline.", "Is CBT for panic suitable?")
    referrer.submit("Send referral")
    assert "Referral sent" in referrer.text
    referral_url = browser.current_url
    referrer.sign_out()

    recipient = Visitor(browser, server, screenshots=shots)
    recipient.sign_in("m.lindqvist@demo.liaison.example")
    recipient.open("/referrals")
    assert "Natarajan, Priya" in recipient.text
    browser.get(referral_url)
    recipient.check_page()
    recipient.fill("accept-presentingProblem", "Panic disorder without agoraphobia.")
    recipient.fill("accept-plan", "CBT weekly for 12 weeks.")
    recipient.fill("accept-contact", "Secure message; replies within a day.")
    recipient.submit("Accept with acknowledgement note")
    assert "Accepted" in recipient.text
    recipient.sign_out()

    referrer.sign_in("dr.haddad@demo.liaison.example")
    browser.get(referral_url)
    referrer.check_page()
    assert "CBT weekly for 12 weeks." in referrer.text
    referrer.sign_out()

    recipient.sign_in("m.lindqvist@demo.liaison.example")
    browser.get(referral_url)
    recipient.fill("close-course", "Twelve sessions of CBT.")
    recipient.fill("close-outcome", "No panic attacks for four weeks.")
    recipient.fill("close-recommendations", "Re-refer if attacks return.")
    recipient.submit("Close with closing note")
    assert "Loop closed" in recipient.text
    recipient.sign_out()

    referrer.sign_in("dr.haddad@demo.liaison.example")
    browser.get(referral_url)
    referrer.check_page()
    assert "Closed" in referrer.text
    assert "Re-refer if attacks return." in referrer.text


def test_an_outsider_cannot_open_a_patient(browser, server):
    member = Visitor(browser, server)
    member.sign_in("m.lindqvist@demo.liaison.example")
    member.open("/patients")
    member.click_link("Calloway, Jamie")
    patient_url = browser.current_url
    member.sign_out()

    outsider = Visitor(browser, server)
    outsider.sign_in("dr.patel@demo.liaison.example")
    browser.get(patient_url)
    outsider.check_page()
    assert outsider.heading == "Not found"
    assert "Calloway" not in outsider.text


def test_patient_sees_who_accessed_their_record(browser, server):
    patient = Visitor(browser, server)
    patient.sign_in("jamie.calloway@demo.liaison.example")
    assert patient.heading == "Hello, Jamie"
    assert "Who has looked at your record" in patient.text
    assert "Dr. Maja Lindqvist" in patient.text
