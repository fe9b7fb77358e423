"""axe-core (the engine behind Lighthouse's accessibility audit) on the main pages, on a laptop and
at phone width: no serious or critical violations."""
import time

import pytest
from axe_core_python.selenium import Axe
from selenium.webdriver.common.by import By

from pages import Visitor
from test_two_factor import DEMO_KEY, app_code

CLINICIAN_PAGES = ["/", "/referrals", "/referrals/new", "/patients", "/directory", "/care-events", "/notifications", "/messages"]


def violations(driver):
    results = Axe().run(driver, options={"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(node['target'][0] for node in v['nodes'][:3])}"
        for v in results["violations"] if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_main_pages_have_no_serious_accessibility_violations(browser, server, width):
    browser.set_window_size(width, 900)
    found = {}
    clinician = Visitor(browser, server)
    clinician.sign_in("dr.sato@demo.liaison.example")
    for path in CLINICIAN_PAGES:
        clinician.open(path)
        found[path] = violations(browser)
    clinician.open("/patients")
    clinician.click_link("Natarajan, Priya")
    found["patient page"] = violations(browser)
    clinician.click_link("Correct the patient's details")
    found["correcting details"] = violations(browser)
    clinician.open("/referrals")
    clinician.click_link("Natarajan, Priya")
    found["referral page"] = violations(browser)
    clinician.sign_out()

    patient = Visitor(browser, server)
    patient.sign_in("jamie.calloway@demo.liaison.example")
    found["portal"] = violations(browser)
    patient.open("/patients/" + browser.find_element(By.XPATH, "//a[normalize-space()='Change your consent choices']").get_attribute("href").split("/patients/")[1])
    found["consent"] = violations(browser)
    patient.sign_out()

    # The installation's administrator (two-factor sign-in, as administrators always have; an
    # account no other journey signs in with, so no code is used twice).
    administrator = Visitor(browser, server)
    administrator.sign_in("admin@demo.liaison.example", code=app_code(DEMO_KEY, time.time() + (30 if width < 500 else 0)))
    administrator.open("/reports/referrals")
    found["referral report"] = violations(browser)
    administrator.open("/admin")
    found["administration"] = violations(browser)
    organisation = browser.find_element(By.XPATH, "//main//a[contains(@href, '/organisations/')]").get_attribute("href")
    administrator.open(organisation.removeprefix(server) + "/holidays")
    found["holidays"] = violations(browser)
    problems = {page: found[page] for page in found if found[page]}
    assert problems == {}, problems


def test_the_menu_folds_behind_one_button_at_phone_width(browser, server):
    browser.set_window_size(375, 812)
    visitor = Visitor(browser, server)
    visitor.sign_in("dr.sato@demo.liaison.example")
    referrals = browser.find_element(By.XPATH, "//nav[@aria-label='Main']//a[normalize-space()='Referrals']")
    assert not referrals.is_displayed(), "the menu starts folded"
    browser.find_element(By.CSS_SELECTOR, "label.menu-button").click()
    assert referrals.is_displayed()
    visitor.click_link("Referrals")
    assert visitor.heading == "Referrals"
