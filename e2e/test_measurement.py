"""On a phone-sized window the demo patient answers the PHQ-9 her team asked for, with item 9
above 0, and sees crisis resources at once; the therapist and the psychiatrist both see the alert;
the psychiatrist acknowledges it, and the chart shows the new score."""
from pages import Visitor
from selenium.webdriver.common.by import By

PATIENT = "jamie.calloway@demo.liaison.example"
THERAPIST = "m.lindqvist@demo.liaison.example"
PSYCHIATRIST = "dr.sato@demo.liaison.example"


def test_item_9_reaches_the_team_and_the_patient_sees_crisis_resources(browser, server):
    browser.set_window_size(390, 844)
    patient = Visitor(browser, server)
    patient.sign_in(PATIENT)
    assert "Questionnaires from your care team" in patient.text
    patient.click_link("PHQ-9 (depression)")
    assert "Question 1 of 10" in patient.text
    answers = {"1": 1, "2": 2, "3": 1, "4": 2, "5": 1, "6": 1, "7": 1, "8": 0, "9": 1}
    for key, value in answers.items():
        label = browser.find_element(By.CSS_SELECTOR, f"label[for='q{key}-{value}']")
        browser.execute_script("arguments[0].scrollIntoView()", label)
        label.click()
    patient.submit("Send my answers")
    assert "If you are in crisis" in patient.text
    assert "988" in patient.text
    assert "Your care team has been told" in patient.text
    patient.sign_out()
    browser.set_window_size(1280, 1400)

    therapist = Visitor(browser, server)
    therapist.sign_in(THERAPIST)
    assert "Alerts to acknowledge" in therapist.text
    assert "Jamie Calloway" in therapist.text
    therapist.sign_out()

    psychiatrist = Visitor(browser, server)
    psychiatrist.sign_in(PSYCHIATRIST)
    assert "Alerts to acknowledge" in psychiatrist.text
    # The alert's own link (Jamie's discharge is also on the page, under care events).
    browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby='alerts-heading']").find_element(By.LINK_TEXT, "Jamie Calloway").click()
    psychiatrist.check_page()
    assert "not a risk assessment" in psychiatrist.text
    assert "10 (Moderate" in psychiatrist.text
    assert browser.find_elements(By.CSS_SELECTOR, "svg.score-chart[role='img']")
    note = browser.find_element(By.CSS_SELECTOR, "form input[name='note']")
    note.send_keys("Called Jamie; safety plan reviewed together.")
    psychiatrist.submit("Acknowledge")
    assert "Alert acknowledged" in psychiatrist.text
    assert "Acknowledged by Dr. Keiko Sato" in psychiatrist.text
