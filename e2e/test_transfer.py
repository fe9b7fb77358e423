"""A change of psychiatrist: the demo patient asked for it and Dr. Sato accepted; Dr. Brennan
writes the handoff summary and stays responsible until the first visit; Dr. Sato reads the summary
and records the visit; the patient sees that their care has passed."""
import time

from pages import Visitor
from test_two_factor import DEMO_KEY, app_code

PATIENT = "jamie.calloway@demo.liaison.example"
OUTGOING = "dr.brennan@demo.liaison.example"
INCOMING = "dr.sato@demo.liaison.example"


def test_care_passes_at_the_first_visit_after_the_handoff_summary(browser, server):
    patient = Visitor(browser, server)
    patient.sign_in(PATIENT)
    patient.click_link("Ask for a change, or see where yours stands")
    assert "Dr. Liam Brennan is your prescriber now." in patient.text
    patient.click_link("see where it stands")
    assert "Accepted: waiting for the first visit" in patient.text
    assert "The handoff summary from Dr. Liam Brennan is awaited." in patient.text
    transfer = browser.current_url
    patient.sign_out()

    outgoing = Visitor(browser, server)
    # The next step's code: another journey may have used this step's code for the same account.
    outgoing.sign_in(OUTGOING, code=app_code(DEMO_KEY, time.time() + 30))
    outgoing.open("/transfers")
    assert "Handoff summary owed" in outgoing.text
    browser.get(transfer)
    outgoing.check_page()
    for key, text in [("diagnoses", "Generalised anxiety; recurrent depression in remission."), ("medications", "Escitalopram 10 mg daily."),
                      ("risks", "No current risk; safety plan agreed last spring."), ("helped", "Weekly CBT; exercise."),
                      ("notHelped", "Buspirone: no benefit.")]:
        outgoing.fill(key, text)
    outgoing.submit("Send the handoff summary")
    assert "Handoff summary sent" in outgoing.text
    outgoing.sign_out()

    incoming = Visitor(browser, server)
    incoming.sign_in(INCOMING)
    browser.get(transfer)
    incoming.check_page()
    assert "Escitalopram 10 mg daily." in incoming.text
    browser.execute_script("document.getElementById('visit').value = arguments[0]", time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400)))
    incoming.submit("Record the first visit")
    assert "you are now the patient's prescriber" in incoming.text
    assert "Completed: care has passed" in incoming.text
    incoming.sign_out()

    patient.sign_in(PATIENT)
    browser.get(transfer)
    patient.check_page()
    assert "Completed: care has passed" in patient.text
    assert "Escitalopram" not in patient.text
