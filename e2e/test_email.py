"""Email leaves Liaison for a real SMTP server: an invitation is received, its link followed, and
the account created."""
import re
import time

from pages import Visitor
from test_two_factor import DEMO_KEY, app_code


def test_an_invitation_arrives_by_email_and_opens_an_account(browser, server, mailbox):
    admin = Visitor(browser, server)
    admin.sign_in("riverside.admin@demo.liaison.example", code=app_code(DEMO_KEY, time.time()))
    admin.click_link("Riverside Community Mental Health")
    admin.fill("invite-name", "Dr. Noor Haines")
    admin.fill("invite-email", "noor.haines@example.org")
    admin.submit("Send invitation")
    assert "Invitation sent to noor.haines@example.org" in admin.text
    admin.sign_out()

    message = mailbox.wait_for("noor.haines@example.org")
    assert message["From"] == "Liaison <noreply@liaison.test>"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    link = re.search(r"http://\S+/invitations/\S+", text).group(0)
    assert f'href="{link}"' in html

    newcomer = Visitor(browser, server)
    browser.get(link)
    newcomer.check_page()
    assert newcomer.heading == "Join Liaison"
    newcomer.fill("password", "a long enough password")
    newcomer.fill("passwordConfirmation", "a long enough password")
    newcomer.submit("Create my account")
    assert "Welcome to Liaison" in newcomer.text

    # The link worked once; the delivered message no longer holds it.
    browser.get(link)
    assert "no longer valid" in newcomer.text
