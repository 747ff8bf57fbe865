#!/usr/bin/env python3
"""The admin panel in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven by selenium, offline (SE_OFFLINE: nothing is downloaded), axe-core on every page.

    python3 scripts/browser_tests.py .build/debug/switchboard --screenshots DIR

Starts the server on a fresh SQLite database and a local webhook receiver, runs each flow as a
user would (clicks, typing, the keyboard), saves a screenshot after each step, and fails on any
expectation not met or any serious or critical accessibility violation.
"""
import argparse
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

ADMIN_KEY = "sbk_browser_admin_000000000000000000000000000000"


class Receiver:
    """A webhook receiver on 127.0.0.1: records each request, answers with `status`."""

    def __init__(self):
        self.status = 200
        self.requests = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"received": true}')

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


class Server:
    """`switchboard serve` on a free port, with an admin key; stopped by `stop`."""

    def __init__(self, binary, folder):
        self.process = subprocess.Popen(
            [binary, "serve", "--port", "0", "--database", os.path.join(folder, "switchboard.sqlite"), "--allow-private-destinations"],
            env={**os.environ, "SWITCHBOARD_ADMIN_KEY": ADMIN_KEY}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.process.stdout.readline()
            match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if match:
                self.url = match.group(1)
                return
            if not line and self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError("the server did not start")

    def api(self, method, path, body=None, auth="Bearer " + ADMIN_KEY):
        request = urllib.request.Request(self.url + path, method=method, data=json.dumps(body).encode() if body is not None else None)
        request.add_header("Authorization", auth)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Browser:
    """Headless Chromium, offline; every page checked by axe-core, every step photographed."""

    def __init__(self, screenshots):
        os.environ["SE_OFFLINE"] = "true"
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-US"]:
            options.add_argument(argument)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.implicitly_wait(0)
        self.screenshots = screenshots
        self.shots = []
        self.checked = set()
        self.violations = []

    def open(self, url):
        self.driver.get(url)
        self.audit()

    def audit(self):
        """axe-core on the page as it is now, once per path: serious and critical violations fail."""
        from axe_selenium_python import Axe
        path = re.sub(r"/(dst|dlv|sub|evt|src)_[0-9A-Z]+", r"/\1_ID", self.driver.current_url.split("?")[0].split("://", 1)[1].split("/", 1)[-1])
        if path in self.checked:
            return
        self.checked.add(path)
        axe = Axe(self.driver)
        for attempt in range(3):
            # A page still settling can detach a node axe is looking at: look again.
            try:
                axe.inject()
                results = axe.run()
                break
            except WebDriverException:
                if attempt == 2:
                    raise
                time.sleep(0.5)
        for violation in results["violations"]:
            if violation.get("impact") in ("serious", "critical"):
                self.violations.append("/%s: %s (%s): %s" % (path, violation["id"], violation["impact"], violation["help"]))

    def shot(self, name):
        path = os.path.join(self.screenshots, "%02d-%s.png" % (len(self.shots) + 1, name))
        self.driver.save_screenshot(path)
        self.shots.append(path)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def text(self):
        # The page may be replaced between finding the body and reading it (a form just submitted).
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        except (StaleElementReferenceException, NoSuchElementException):
            return ""

    def wait_for(self, condition, seconds=20, refresh=False, what="the condition"):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if condition():
                return
            time.sleep(0.25)
            if refresh:
                self.driver.refresh()
        raise AssertionError("waited %d s for %s; page: %s" % (seconds, what, self.text()[:500]))

    def quit(self):
        self.driver.quit()


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def run(binary, screenshots):
    folder = tempfile.mkdtemp(prefix="switchboard-browser-")
    receiver = Receiver()
    server = Server(binary, folder)
    browser = None
    try:
        server.api("POST", "/v1/event-types", {"name": "CustomerRegistered", "description": "A customer registered in the loyalty program"})
        status, source = server.api("POST", "/v1/sources", {"name": "Loyalty", "type": "segment"})
        expect(status == 201, "source: %s %s" % (status, source))
        write_key = source["writeKey"]
        browser = Browser(screenshots)
        admin = server.url + "/admin"

        # Sign in from the keyboard: the key typed, Enter submits.
        browser.open(admin)
        expect("/admin/sign-in" in browser.driver.current_url, "not signed in: the sign-in page, got " + browser.driver.current_url)
        browser.shot("sign-in")
        browser.find("#key").send_keys(ADMIN_KEY + Keys.ENTER)
        browser.wait_for(lambda: "Sign out" in browser.text(), what="the signed-in dashboard")
        browser.audit()
        browser.shot("dashboard")

        # Add a webhook as Open Loyalty's guide describes: the event from the dropdown, the URL, two headers.
        browser.open(admin + "/destinations")
        browser.shot("destinations-empty")
        browser.driver.find_element(By.LINK_TEXT, "Add new webhook").click()
        browser.audit()
        Select(browser.find("#eventName")).select_by_value("CustomerRegistered")
        browser.find("#name").send_keys("Loyalty CRM")
        browser.find("#url").send_keys(receiver.url + "/hooks/loyalty")
        names = browser.driver.find_elements(By.NAME, "headerName")
        values = browser.driver.find_elements(By.NAME, "headerValue")
        expect(len(names) >= 2 and len(values) >= 2, "two header rows to fill")
        names[0].send_keys("X-Api-Key")
        values[0].send_keys("crm-key-123")
        names[1].send_keys("X-Tenant")
        values[1].send_keys("acme")
        browser.shot("add-webhook-form")
        browser.find("form.form button[type=submit]").click()
        browser.wait_for(lambda: "X-Tenant: acme" in browser.text(), what="the new webhook's page with its headers")
        browser.audit()
        destination_url = browser.driver.current_url
        expect("CustomerRegistered" in browser.text(), "subscribed to CustomerRegistered")
        browser.shot("webhook-added")

        # Find it with the search box; a search for something else finds nothing.
        browser.open(admin + "/destinations")
        browser.find("#search").send_keys("crm" + Keys.ENTER)
        browser.wait_for(lambda: "search=crm" in browser.driver.current_url, what="the search")
        expect("Loyalty CRM" in browser.text(), "the search finds the webhook")
        browser.shot("search-found")
        browser.find("#search").clear()
        browser.find("#search").send_keys("nothing-like-this" + Keys.ENTER)
        browser.wait_for(lambda: "No destination matches" in browser.text(), what="the empty search result")

        # Edit it.
        browser.open(destination_url)
        browser.driver.find_element(By.LINK_TEXT, "Edit").click()
        browser.audit()
        name = browser.find("#name")
        name.clear()
        name.send_keys("Loyalty CRM (EU)")
        browser.find("form.form button[type=submit]").click()
        browser.wait_for(lambda: "Loyalty CRM (EU)" in browser.text(), what="the edited name")
        browser.shot("webhook-edited")

        # Send a test event: the request sent and the response got.
        browser.driver.find_element(By.XPATH, "//button[normalize-space()='Send test event']").click()
        browser.wait_for(lambda: "Response received" in browser.text(), what="the test event's response")
        expect("200 OK" in browser.text(), "the test shows 200 OK")
        expect(any(r["path"] == "/hooks/loyalty" for r in receiver.requests), "the receiver got the test event")
        browser.shot("test-event")

        # A real event: its delivery in the activity log with 200 OK.
        track = {"userId": "member-1", "event": "CustomerRegistered", "properties": {"plan": "gold"}}
        basic = "Basic " + __import__("base64").b64encode((write_key + ":").encode()).decode()
        expect(server.api("POST", "/v1/track", track, auth=basic)[0] == 200, "track accepted")
        browser.open(admin + "/activity")
        browser.wait_for(lambda: "200 OK" in browser.text(), refresh=True, what="a delivery answered 200 OK")
        browser.shot("activity-log")

        # One that fails (the receiver answers 500), then retried by hand once the receiver is back.
        receiver.status = 500
        track["userId"] = "member-2"
        expect(server.api("POST", "/v1/track", track, auth=basic)[0] == 200, "track accepted")
        browser.open(admin + "/activity?event=CustomerRegistered")
        browser.wait_for(lambda: "500 Internal Server Error" in browser.text(), refresh=True, what="a delivery answered 500")
        browser.shot("activity-failed")
        row = browser.driver.find_element(By.XPATH, "//tr[td[contains(., '500 Internal Server Error')]]//a")
        row.click()
        browser.audit()
        receiver.status = 200
        browser.driver.find_element(By.XPATH, "//button[normalize-space()='Retry now']").click()
        browser.wait_for(lambda: "200 OK" in browser.text(), refresh=True, what="the retried delivery's 200 OK")
        browser.shot("delivery-retried")

        # A subscription built with the condition builder: the preview follows the condition.
        browser.open(admin + "/subscriptions")
        browser.driver.find_element(By.LINK_TEXT, "Add subscription").click()
        browser.audit()
        browser.find("#name").send_keys("Gold members")
        Select(browser.find("#destinationId")).select_by_visible_text("Loyalty CRM (EU)")
        events = browser.find("#eventNames")
        events.clear()
        events.send_keys("CustomerRegistered")
        browser.driver.find_elements(By.NAME, "conditionField")[0].send_keys("properties.plan")
        Select(browser.driver.find_elements(By.NAME, "conditionOp")[0]).select_by_visible_text("eq")
        browser.driver.find_elements(By.NAME, "conditionValue")[0].send_keys("silver")
        browser.driver.find_element(By.XPATH, "//button[normalize-space()='Preview']").click()
        browser.wait_for(lambda: "Does not match" in browser.text(), what="the preview: no match for silver")
        browser.shot("subscription-preview-no-match")
        value = browser.driver.find_elements(By.NAME, "conditionValue")[0]
        value.clear()
        value.send_keys("gold")
        browser.driver.find_element(By.XPATH, "//button[normalize-space()='Preview']").click()
        browser.wait_for(lambda: "Matches" in browser.text(), what="the preview: a match for gold")
        expect("/hooks/loyalty" in browser.text(), "the previewed request goes to the webhook")
        browser.shot("subscription-preview-match")
        browser.driver.find_element(By.XPATH, "//button[normalize-space()='Save']").click()
        browser.wait_for(lambda: "saved=1" in browser.driver.current_url, what="the saved subscription")
        status, subscriptions = server.api("GET", "/v1/subscriptions")
        expect(any(s.get("condition") == {"field": "properties.plan", "op": "eq", "value": "gold"} for s in subscriptions["data"]),
               "the subscription saved with the built condition: %s" % subscriptions)

        # An audience from the condition builder, a sync to the webhook, "Sync now".
        for user, spend in [("member-7", 900), ("member-8", 20)]:
            identify = {"userId": user, "traits": {"spend": spend}}
            expect(server.api("POST", "/v1/identify", identify, auth=basic)[0] == 200, "identify accepted")
        browser.open(admin + "/audiences")
        browser.driver.find_element(By.LINK_TEXT, "Add audience").click()
        browser.audit()
        browser.find("#key").send_keys("big-spenders")
        browser.find("#name").send_keys("Big spenders")
        browser.driver.find_elements(By.NAME, "conditionField")[0].send_keys("traits.spend")
        Select(browser.driver.find_elements(By.NAME, "conditionOp")[0]).select_by_visible_text("gt")
        browser.driver.find_elements(By.NAME, "conditionValue")[0].send_keys("500")
        browser.find("form.form button[type=submit]").click()
        browser.wait_for(lambda: "member-7" in browser.text(), refresh=True, what="the audience built, with member-7")
        expect("member-8" not in browser.text(), "member-8 spends too little")
        browser.audit()
        browser.shot("audience")
        browser.driver.find_element(By.LINK_TEXT, "Add a sync").click()
        browser.audit()
        Select(browser.find("#destinationId")).select_by_visible_text("Loyalty CRM (EU)")
        Select(browser.find("#mode")).select_by_visible_text("full")
        browser.find("form.form button[type=submit]").click()
        browser.wait_for(lambda: "Not run yet" in browser.text(), what="the new sync's page")
        browser.audit()
        before = len(receiver.requests)
        browser.driver.find_element(By.XPATH, "//button[normalize-space()='Sync now']").click()
        browser.wait_for(lambda: "Succeeded" in browser.text(), refresh=True, what="the sync run succeeded")
        expect(any(b"member-7" in r["body"] for r in receiver.requests[before:]), "the webhook got the audience's members")
        browser.shot("sync-now")

        # Every other page, for axe-core; a date trigger added from the keyboard alone.
        for path in ["/profiles", "/profiles/member-7", "/date-triggers", "/connectors", "/connectors/braze-users-track", "/keys",
                     "/event-types", "/events", "/sources", "/sources/new", "/subscriptions", "/syncs", "/audiences", "/audiences/new",
                     "/destinations/new", "/syncs/new"]:
            browser.open(admin + path)
            expect("Sign out" in browser.text(), "%s renders signed in" % path)
        # A source's verification set on its edit form: the secret is written, never shown again.
        browser.open(admin + "/sources/" + source["id"])
        browser.driver.find_element(By.LINK_TEXT, "Edit").click()
        browser.audit()
        Select(browser.find("#verificationType")).select_by_value("token")
        browser.find("#verificationHeader").send_keys("X-Loyalty-Token")
        browser.find("#verificationSecret").send_keys("browser-s3cret")
        browser.shot("source-edit")
        browser.find("form.form button[type=submit]").click()
        browser.wait_for(lambda: "X-Loyalty-Token" in browser.text() and "Saved." in browser.text(), what="the source with its token header")
        expect("browser-s3cret" not in browser.driver.page_source, "the source page shows no secret")
        browser.shot("source-verification")
        # The delete confirmations, asked and left unanswered.
        for url in [admin + "/sources/" + source["id"] + "/delete", destination_url + "/delete"]:
            browser.open(url)
            expect("Delete" in browser.text() and "Cancel" in browser.text(), "%s asks before deleting" % url)
        browser.shot("delete-confirmation")
        browser.open(admin + "/date-triggers")
        browser.find("#name").send_keys("Points expiring", Keys.TAB, Keys.TAB, "7", Keys.ENTER)
        browser.wait_for(lambda: "<td>Points expiring</td>" in browser.driver.page_source, what="the date trigger added from the keyboard")
        browser.shot("date-trigger-by-keyboard")

        expect(not browser.violations, "accessibility violations:\n  " + "\n  ".join(browser.violations))
        print("browser tests passed; %d pages checked by axe-core; screenshots:" % len(browser.checked))
        for shot in browser.shots:
            print("  " + shot)
    except Exception:
        if browser:
            browser.shot("failure")
        raise
    finally:
        if browser:
            browser.quit()
        server.stop()
        receiver.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary", help="the switchboard binary")
    parser.add_argument("--screenshots", default=os.path.join(tempfile.gettempdir(), "switchboard-screenshots"))
    arguments = parser.parse_args()
    os.makedirs(arguments.screenshots, exist_ok=True)
    run(os.path.abspath(arguments.binary), arguments.screenshots)


if __name__ == "__main__":
    sys.exit(main())
