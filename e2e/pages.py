"""What a person does on Liaison's pages, and the accessibility checks run on each page visited."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ARTIFACTS, PASSWORD

ACCESSIBILITY_CHECK = """
const problems = [];
const headings = document.querySelectorAll('h1');
if (headings.length !== 1) problems.push('expected one h1, found ' + headings.length);
for (const field of document.querySelectorAll('input, select, textarea')) {
  const type = (field.getAttribute('type') || '').toLowerCase();
  if (['hidden', 'submit', 'button'].includes(type)) continue;
  const labelled = (field.id && document.querySelector('label[for="' + CSS.escape(field.id) + '"]'))
    || field.getAttribute('aria-label') || field.getAttribute('aria-labelledby') || field.closest('label');
  if (!labelled) problems.push('unlabelled ' + field.tagName.toLowerCase() + ' ' + (field.name || ''));
  if (field.tabIndex < 0) problems.push('not keyboard-reachable: ' + (field.name || field.id));
}
for (const image of document.querySelectorAll('img')) {
  if (!image.hasAttribute('alt')) problems.push('image without alt: ' + image.src);
}
for (const button of document.querySelectorAll('button')) {
  if (!button.textContent.trim() && !button.getAttribute('aria-label')) problems.push('button without a name');
  if (button.tabIndex < 0) problems.push('button not keyboard-reachable');
}
if (!document.documentElement.getAttribute('lang')) problems.push('no lang on html');
if (window.innerWidth < 500) {
  // At phone width nothing is cut off or widens the page, and what is tapped is at least 44 px high.
  if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push('wider than the screen: ' + document.documentElement.scrollWidth + 'px');
  for (const target of document.querySelectorAll('main button, main summary, main select, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), header .menu-button, header .who button')) {
    const box = target.getBoundingClientRect();
    if (box.height > 0 && box.height < 43.5) problems.push('tap target under 44px: ' + (target.textContent.trim() || target.name || target.id) + ' (' + box.height + 'px)');
  }
}
return problems;
"""


class Visitor:
    """One person's browser session, checking accessibility on every page it sees."""

    def __init__(self, driver, base, screenshots=None):
        self.driver = driver
        self.base = base
        self.checked = []
        # A directory name under e2e/artifacts: every page seen is kept there, numbered.
        self.screenshots = screenshots

    def check_page(self):
        problems = self.driver.execute_script(ACCESSIBILITY_CHECK)
        assert problems == [], f"{self.driver.current_url}: {problems}"
        self.checked.append(self.driver.current_url)
        if self.screenshots:
            folder = ARTIFACTS / self.screenshots
            folder.mkdir(parents=True, exist_ok=True)
            name = self.driver.current_url.removeprefix(self.base).strip("/").replace("/", "_")[:60] or "home"
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            width = self.driver.get_window_size()["width"]
            self.driver.set_window_size(width, min(height + 140, 5000))
            number = len(list(folder.glob("*.png"))) + 1
            self.driver.save_screenshot(str(folder / f"{number:02d}-{name}.png"))

    def open(self, path):
        self.driver.get(self.base + path)
        self.check_page()

    def sign_in(self, email, code=None):
        """Signs in; `code` answers the second step for people with two-factor sign-in."""
        self.open("/sign-in")
        self.fill("email", email)
        self.fill("password", PASSWORD)
        self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        if code is not None:
            WebDriverWait(self.driver, 10).until(lambda d: "/sign-in/code" in d.current_url)
            self.check_page()
            self.fill("code", code)
            self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(self.driver, 10).until(lambda d: "/sign-in" not in d.current_url)
        self.check_page()

    def sign_out(self):
        self.driver.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
        WebDriverWait(self.driver, 10).until(lambda d: "/sign-in" in d.current_url)

    def write_referral(self, patient, recipient, reason, questions=None):
        """Opens the referral form for a psychologist and fills it in, leaving it to be sent."""
        self.open("/referrals/new?discipline=psychologist")
        Select(self.driver.find_element(By.ID, "patientID")).select_by_visible_text(patient)
        self.driver.find_element(By.XPATH, f"//label[contains(., '{recipient}')]/preceding-sibling::input").click()
        self.fill("f-reason", reason)
        if questions:
            self.fill("f-questions", questions)

    def fill(self, field_id, text):
        element = self.driver.find_element(By.ID, field_id)
        # A form folded away (one of a referral's actions) is opened as a person would: by its summary.
        # (Asked by script: find_elements would wait out the implicit wait whenever there is none.)
        summary = self.driver.execute_script("const d = arguments[0].closest('details:not([open])'); return d && d.querySelector('summary');", element)
        if summary is not None:
            summary.click()
        element.clear()
        element.send_keys(text)

    def submit(self, button_text):
        """Clicks a submit button by its text and waits for the next page."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        # Texts may hold an apostrophe ("Dr. Ramírez's list"), which an XPath literal cannot.
        buttons = [b for b in self.driver.find_elements(By.TAG_NAME, "button") if " ".join(b.text.split()) == button_text]
        assert buttons, f"no button {button_text!r}"
        buttons[0].click()
        WebDriverWait(self.driver, 10).until(lambda d: old.id != d.find_element(By.TAG_NAME, "html").id)
        self.check_page()

    def click_link(self, text):
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.PARTIAL_LINK_TEXT, text).click()
        WebDriverWait(self.driver, 10).until(lambda d: old.id != d.find_element(By.TAG_NAME, "html").id)
        self.check_page()

    @property
    def heading(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    @property
    def text(self):
        return self.driver.find_element(By.TAG_NAME, "main").text
