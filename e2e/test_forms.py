"""Forms that forgive: a form sent twice makes one referral, what was typed survives an error, and
nothing vanishes once a referral is accepted (the patient's page lists it with its first
appointment; the recipient's home page shows the closing note they now owe)."""
from selenium.webdriver.common.by import By

from pages import Visitor

SEND_TWICE = """
const done = arguments[arguments.length - 1];
const form = document.querySelector('form[action="/referrals"][method="post"]');
const fields = new URLSearchParams(new FormData(form));
fields.set('save', 'send');
const send = () => fetch(form.action, {method: 'POST', body: fields, credentials: 'same-origin'});
Promise.all([send(), send()]).then(answers => done(answers.map(a => [a.status, a.url])));
"""


def referral_rows(visitor, patient_path, recipient):
    visitor.open(patient_path)
    rows = visitor.driver.find_elements(By.CSS_SELECTOR, "section[aria-labelledby='referrals-heading'] tbody tr")
    return [row for row in rows if recipient in row.text]


def test_a_referral_form_sent_twice_creates_one_referral_whose_closing_note_is_then_owed(browser, server):
    referrer = Visitor(browser, server)
    referrer.sign_in("dr.haddad@demo.liaison.example")
    referrer.open("/patients")
    referrer.click_link("Natarajan, Priya")
    patient_path = browser.current_url.removeprefix(server)
    before = len(referral_rows(referrer, patient_path, "Dr. Maja Lindqvist"))

    referrer.write_referral("Natarajan, Priya (1972-11-02)", "Dr. Maja Lindqvist", "Sent twice by a double click.", "Is CBT for panic suitable?")
    answers = browser.execute_async_script(SEND_TWICE)
    assert [status for status, _ in answers] == [200, 200], answers
    assert answers[0][1] == answers[1][1] and "/referrals/" in answers[0][1], "both land on the one referral"
    rows = referral_rows(referrer, patient_path, "Dr. Maja Lindqvist")
    assert len(rows) == before + 1
    referral_path = answers[0][1].removeprefix(server)
    referrer.sign_out()

    recipient = Visitor(browser, server)
    recipient.sign_in("m.lindqvist@demo.liaison.example")
    recipient.open(referral_path)
    recipient.fill("accept-presentingProblem", "Panic disorder.")
    recipient.fill("accept-plan", "CBT weekly.")
    recipient.fill("accept-contact", "Secure message.")
    recipient.submit("Accept with acknowledgement note")
    recipient.open("/")
    owed = browser.find_elements(By.XPATH, "//tr[contains(., 'Natarajan, Priya') and contains(., 'closing')]")
    assert owed, "the closing note owed after accepting is on the home page"


def test_a_decline_reason_is_kept_after_an_error(browser, server):
    referrer = Visitor(browser, server)
    referrer.sign_in("dr.haddad@demo.liaison.example")
    referrer.write_referral("Natarajan, Priya (1972-11-02)", "Dr. Maja Lindqvist", "To be declined.")
    referrer.submit("Send referral")
    referral_path = browser.current_url.removeprefix(server)
    referrer.sign_out()

    recipient = Visitor(browser, server)
    recipient.sign_in("m.lindqvist@demo.liaison.example")
    recipient.open(referral_path)
    open_forms = browser.find_elements(By.CSS_SELECTOR, "details[name='referral-action'][open]")
    assert open_forms == [], "the actions start folded"
    recipient.fill("decline-reason", "Full until the spring term.\nTry Dr. Okafor.")
    recipient.fill("decline-redirect", "nobody-here@demo.liaison.example")
    recipient.submit("Decline")
    assert "nobody-here@demo.liaison.example" in recipient.text or "No clinician" in recipient.text
    opened = browser.find_elements(By.CSS_SELECTOR, "details[name='referral-action'][open]")
    assert len(opened) == 1 and "Decline" in opened[0].find_element(By.TAG_NAME, "summary").text
    assert browser.find_element(By.ID, "decline-reason").get_attribute("value") == "Full until the spring term.\nTry Dr. Okafor."


def test_the_patient_page_shows_the_accepted_referral_and_its_first_appointment(browser, server):
    recipient = Visitor(browser, server)
    recipient.sign_in("dr.sato@demo.liaison.example")
    recipient.open("/patients")
    recipient.click_link("Natarajan, Priya")
    rows = browser.find_elements(By.CSS_SELECTOR, "section[aria-labelledby='referrals-heading'] tbody tr")
    scheduled = [row for row in rows if "Dr. Keiko Sato" in row.text and "First appointment scheduled" in row.text]
    assert scheduled, [row.text for row in rows]
    appointment = scheduled[0].find_element(By.CSS_SELECTOR, "td[data-label='First appointment']").text
    assert appointment != "–"
    recipient.sign_out()

    referrer = Visitor(browser, server)
    referrer.sign_in("dr.haddad@demo.liaison.example")
    referrer.open("/patients")
    referrer.click_link("Natarajan, Priya")
    row = next(row for row in browser.find_elements(By.CSS_SELECTOR, "section[aria-labelledby='referrals-heading'] tbody tr")
               if "Dr. Keiko Sato" in row.text and "First appointment scheduled" in row.text)
    row.find_element(By.TAG_NAME, "a").click()
    referrer.check_page()
    assert f"First appointment {appointment}" in referrer.text


def test_a_clinician_corrects_the_patients_details_and_the_old_value_is_kept(browser, server):
    clinician = Visitor(browser, server)
    clinician.sign_in("j.mensah@demo.liaison.example")
    clinician.open("/patients")
    clinician.click_link("Natarajan, Priya")
    clinician.click_link("Correct the patient's details")
    old_phone = browser.find_element(By.ID, "phone").get_attribute("value")
    clinician.fill("phone", "+1 555 0199")
    clinician.fill("preferredLanguage", "Tamil")
    clinician.fill("reason", "New number, given by the patient.")
    clinician.submit("Save the correction")
    assert "Details corrected" in clinician.text
    assert "Prefers Tamil" in clinician.text and "+1 555 0199" in clinician.text
    clinician.click_link("Correct the patient's details")
    history = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby='history-heading']").text
    assert old_phone in history and "New number, given by the patient." in history
