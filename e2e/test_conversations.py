"""Clinicians talk to each other in Liaison: a therapist writes in the patient's care-team thread,
and the psychiatrist finds it unread in the navigation, reads it, and answers."""
import re

from pages import Visitor

THERAPIST = "s.oconnor@demo.liaison.example"
# Priya Natarajan's prescriber, a psychiatric nurse practitioner.
PSYCHIATRIST = "j.mensah@demo.liaison.example"


def unread(visitor):
    found = re.search(r"Messages \((\d+)\)", visitor.driver.find_element("tag name", "body").text)
    return int(found.group(1)) if found else 0


def test_a_therapist_messages_the_psychiatrist_in_the_team_thread(browser, server):
    psychiatrist = Visitor(browser, server)
    psychiatrist.sign_in(PSYCHIATRIST)
    before = unread(psychiatrist)
    psychiatrist.sign_out()

    therapist = Visitor(browser, server)
    therapist.sign_in(THERAPIST)
    therapist.open("/patients")
    therapist.click_link("Natarajan, Priya")
    therapist.click_link("Care-team thread")
    assert therapist.heading == "Care team: Priya Natarajan"
    therapist.fill("body", "Two panic attacks this week, both at night. Could we speak before her review on the 14th?")
    therapist.submit("Send")
    assert "before her review on the 14th?" in therapist.text
    therapist.sign_out()

    psychiatrist.sign_in(PSYCHIATRIST)
    assert unread(psychiatrist) == before + 1
    psychiatrist.click_link("Messages (%d)" % (before + 1))
    assert "Care team: Priya Natarajan" in psychiatrist.text
    psychiatrist.click_link("Care team: Priya Natarajan")
    assert "before her review on the 14th?" in psychiatrist.text
    assert unread(psychiatrist) == 0
    psychiatrist.fill("body", "Yes: I will call you tomorrow at 12:30.")
    psychiatrist.submit("Send")
    assert "I will call you tomorrow at 12:30." in psychiatrist.text
