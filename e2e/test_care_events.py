"""A hospital's emergency department registers a patient: its HL7 ADT A04 arrives over MLLP from
a real sender (the `hl7` package's MLLP client), the treating psychiatrist finds it at the top of
their worklist, acknowledges it with a note, and the patient's timeline shows both."""
import datetime
import uuid

import hl7
from hl7.client import MLLPClient
from selenium.webdriver.common.by import By

from pages import Visitor

PSYCHIATRIST = "dr.sato@demo.liaison.example"


def emergency_registration(control_id, visit):
    """An A04 for Elena Vasquez (synthetic), as St. Brendan's sends it; her record carries its number."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S+0000")
    return "\r".join([
        f"MSH|^~\\&|ADT|STBRENDANS|LIAISON|LIAISON|{now}||ADT^A04^ADT_A01|{control_id}|P|2.5.1",
        f"EVN|A04|{now}",
        "PID|1||SB-100871^^^STBRENDANS^MR||VASQUEZ^ELENA",
        "PV1|1|E|ED^BAY 2^^ST BRENDANS" + "|" * 16 + visit,
    ])


def send(port, message):
    with MLLPClient("127.0.0.1", port) as client:
        answer = client.send_message(message)
    return hl7.parse(answer.decode() if isinstance(answer, bytes) else answer)


def test_an_emergency_visit_from_the_hospital_reaches_the_treating_psychiatrist(browser, server, mllp_port):
    control_id = "E2E-" + uuid.uuid4().hex[:12]
    ack = send(mllp_port, emergency_registration(control_id, "V-E2E-1"))
    assert str(ack.segment("MSA")[1]) == "AA"
    assert str(ack.segment("MSA")[2]) == control_id
    # The hospital's interface engine resends after a timeout: applied once, answered the same.
    assert str(send(mllp_port, emergency_registration(control_id, "V-E2E-1")).segment("MSA")[1]) == "AA"
    # Garbage is refused with a reason, and the listener keeps answering.
    assert str(send(mllp_port, "this is not HL7").segment("MSA")[1]) == "AR"

    psychiatrist = Visitor(browser, server)
    psychiatrist.sign_in(PSYCHIATRIST)
    first_section = browser.find_element(By.CSS_SELECTOR, "main section")
    assert "Care events to acknowledge" in first_section.text
    first_line = first_section.find_element(By.CSS_SELECTOR, "li").text
    assert "Elena Vasquez" in first_line and "emergency department visit" in first_line
    assert "Care events (" in browser.find_element(By.TAG_NAME, "nav").text
    first_section.find_element(By.LINK_TEXT, "Elena Vasquez").click()
    psychiatrist.check_page()
    assert "How to reach the treating team" in browser.page_source
    events = browser.find_elements(By.CSS_SELECTOR, "article.card")
    assert len(events) == 1 and "V-E2E-1" in events[0].text
    note = events[0].find_element(By.CSS_SELECTOR, "input[name='note']")
    note.send_keys("Called the ED; will see her after discharge.")
    psychiatrist.submit("Acknowledge")
    assert "Acknowledged; the rest of the team has been told." in browser.page_source
    assert "Acknowledged by Dr. Keiko Sato" in browser.page_source

    psychiatrist.open(browser.find_element(By.LINK_TEXT, "Back to the record").get_attribute("href").replace(server, ""))
    timeline = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby='timeline-heading']").text
    assert "Emergency department visit at ST BRENDANS" in timeline
    assert "Dr. Keiko Sato acknowledged: Emergency department visit. Called the ED" in timeline
    psychiatrist.open("/")
    assert "Care events to acknowledge" not in browser.find_element(By.CSS_SELECTOR, "main").text or "Elena Vasquez" not in browser.find_element(By.CSS_SELECTOR, "main section").text
