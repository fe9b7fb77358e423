"""A patient asks for a second opinion in the portal; a consultant who takes no transfers accepts,
writes and releases the report; the patient and the treating psychiatrist both read it."""
import time

from pages import Visitor
from test_two_factor import DEMO_KEY, app_code
from selenium.webdriver.common.by import By

PATIENT = "jamie.calloway@demo.liaison.example"
CONSULTANT = "dr.okafor@demo.liaison.example"
PSYCHIATRIST = "dr.brennan@demo.liaison.example"


def test_a_second_opinion_reaches_the_patient_and_the_psychiatrist(browser, server):
    patient = Visitor(browser, server)
    patient.sign_in(PATIENT)
    patient.click_link("Ask for a second opinion")
    assert "Will not take you on as a patient afterwards" in patient.text
    browser.find_element(By.ID, "reason-not-improving").click()
    patient.fill("concerns", "Six months on the new dose and I still sleep four hours a night.")
    browser.find_element(By.XPATH, "//label[contains(., 'Adaeze Okafor')]").click()
    patient.submit("Ask for the second opinion")
    assert "Second opinion requested from Dr. Adaeze Okafor" in patient.text
    assert "Requested" in patient.text
    consultation = browser.current_url
    patient.sign_out()

    consultant = Visitor(browser, server)
    consultant.sign_in(CONSULTANT)
    browser.get(consultation)
    consultant.check_page()
    assert "I still sleep four hours a night" in consultant.text
    consultant.submit("Accept the consultation")
    # A date field takes typing in the browser's locale; set its value as a date picker would.
    browser.execute_script("document.getElementById('appointment').value = '2027-03-01'")
    consultant.submit("Record the appointment")
    for key, text in [("reason", "Sleep has not improved on the current dose."), ("sources", "Record, notes, one interview."),
                      ("diagnosis", "Depression with insomnia; screen for sleep apnoea."), ("options", "Sleep study; CBT for insomnia; then review the dose."),
                      ("availability", "Happy to discuss by phone this week.")]:
        consultant.fill(key, text)
    consultant.submit("Save the draft")
    assert "Only you can see it until you release it" in consultant.text
    consultant.submit("Release the report")
    assert "Report released" in consultant.text
    consultant.sign_out()

    patient.sign_in(PATIENT)
    browser.get(consultation)
    patient.check_page()
    assert "screen for sleep apnoea" in patient.text
    patient.sign_out()

    psychiatrist = Visitor(browser, server)
    psychiatrist.sign_in(PSYCHIATRIST, code=app_code(DEMO_KEY, time.time()))
    browser.get(consultation)
    psychiatrist.check_page()
    assert "screen for sleep apnoea" in psychiatrist.text
    psychiatrist.click_link("Printable report")
    assert psychiatrist.heading == "Second-opinion report"
