"""A primary-care physician finds a psychiatrist for a patient without one, sees why each ranks
where they do, and puts the patient on a full psychiatrist's waiting list; when the psychiatrist
adds an opening, the offer reaches the patient's team."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from pages import Visitor


def test_a_waitlist_offer_reaches_the_team_when_an_opening_appears(browser, server):
    doctor = Visitor(browser, server)
    doctor.sign_in("dr.haddad@demo.liaison.example")
    doctor.open("/patients")
    doctor.click_link("Natarajan, Priya")
    record = browser.current_url
    doctor.click_link("Find a clinician")
    Select(browser.find_element(By.ID, "service")).select_by_visible_text("Medication management")
    doctor.submit("Find clinicians")
    assert "can take Priya for medication management, best fit first" in doctor.text
    assert "openings for medication management" in doctor.text
    browser.find_element(By.XPATH, "//summary[contains(., 'left out')]").click()
    # Her one opening is held for another patient (the demo's outstanding offer).
    assert "Dr. Elena Ramírez: no opening for medication management" in doctor.text
    doctor.submit("Put on Dr. Elena Ramírez's waiting list")
    assert doctor.heading == "Waiting lists"
    assert "Dr. Elena Ramírez: Medication management" in doctor.text
    assert "2nd of 2" in doctor.text
    doctor.sign_out()

    psychiatrist = Visitor(browser, server)
    psychiatrist.sign_in("dr.ramirez@demo.liaison.example")
    psychiatrist.open("/waitlist")
    assert "Marcus Oyelaran" in psychiatrist.text and "Priya Natarajan" in psychiatrist.text
    psychiatrist.open("/profile")
    psychiatrist.fill("openings-medication-management", "2")
    psychiatrist.submit("Save profile")
    assert "1 opening was offered to the first on your waiting list" in psychiatrist.text
    psychiatrist.sign_out()

    doctor.sign_in("dr.haddad@demo.liaison.example")
    browser.get(record + "/waitlist")
    doctor.check_page()
    assert "Offered an opening" in doctor.text
    doctor.submit("Accept the opening")
    assert "Opening accepted" in doctor.text
    assert doctor.heading == "Make a referral"
    assert "Dr. Elena Ramírez" in doctor.text
