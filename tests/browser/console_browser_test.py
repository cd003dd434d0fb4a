#!/usr/bin/env python3
"""The console in a real headless Chromium, against the real gateway and Viewer API simulator.

Starts viewer-simulator and dicom-gateway (a temporary configuration with a console on a free
loopback port), sends studies with DCMTK's storescu and drives the page with Selenium:

  - login shows the overview; a study sent over DICOM appears registered without a reload;
  - a study the viewer refuses (422) shows failed with its reason; an operator's retry (with
    the page's own confirmation dialog) registers it;
  - a StudyDescription of <img src=x onerror=alert(1)> is shown as text;
  - a viewer sees no action buttons and gets 403 from the API.

Screenshots go to --artifacts. Exits 0 when every check passed, 1 otherwise, and 77 (ctest's
SKIP_RETURN_CODE) when chromium, chromedriver or python3-selenium are not installed.
"""
import argparse
import json
import os
import re
import select
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import uuid
import warnings

SKIP = 77
CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'
API_KEY = 'browser-test-api-key'
OPERATOR = ('admin', 'operator-password-1')
VIEWER = ('nurse', 'viewer-password-1')
XSS = '<img src=x onerror=alert(1)>'
CUSTOMER = 'cus_0123456789abcdef0123456789abcdef'
OTHER_CUSTOMER = 'cus_00000000000000000000000000000001'
USER = 'usr_0123456789abcdef0123456789abcdef'
WAIT = 60  # seconds: a deadline for each awaited condition, never a sleep

try:
    from selenium import webdriver
    from selenium.common.exceptions import (NoAlertPresentException, StaleElementReferenceException,
                                            TimeoutException)
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    HAVE_SELENIUM = True
except ImportError:
    HAVE_SELENIUM = False


def password_hash(password):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        import crypt
        return crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f'waited {timeout} s for {what}')


class Processes:
    """The simulator and the gateway, in a temporary folder; stopped in reverse order."""

    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.children = []
        self.sim_url = None
        self.sim_ca = os.path.join(tmp, 'viewer-ca.pem')
        self.console_port = free_port()
        self.dicom_port = None
        self.gateway_log = os.path.join(tmp, 'gateway.log')

    def start_simulator(self):
        env = dict(os.environ, GW_TEST_API_KEY=API_KEY)
        log = open(os.path.join(self.tmp, 'simulator.log'), 'w')
        child = subprocess.Popen(
            [self.args.simulator, '--listen', '127.0.0.1', '--port', '0',
             '--api-key-env', 'GW_TEST_API_KEY', '--cert-out', self.sim_ca],
            stdout=subprocess.PIPE, stderr=log, env=env, text=True)
        self.children.append(child)
        ready, _, _ = select.select([child.stdout], [], [], 20)
        line = child.stdout.readline() if ready else ''
        match = re.search(r'listening on (https://\S+)', line)
        if not match:
            raise RuntimeError(f'viewer-simulator did not start: {line!r}')
        self.sim_url = match.group(1)
        wait_for(lambda: os.path.exists(self.sim_ca), 10, 'the simulator certificate')
        self.sim_root = self.sim_url.split('/v1')[0]

    def sim_control(self, method, path, body=None):
        context = ssl.create_default_context(cafile=self.sim_ca)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.sim_root + path, data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            return answer.status

    def start_gateway(self):
        config = os.path.join(self.tmp, 'gateway.yaml')
        with open(config, 'w') as out:
            out.write(f"""dicom:
  ae_title: AVARA_GW
  bind: 127.0.0.1
  port: 0
  max_associations: 4
storage:
  spool_dir: {self.tmp}/spool
state:
  database: {self.tmp}/state.db
viewer_api:
  base_url: {self.sim_url}
  api_key_env: GW_TEST_API_KEY
  ca_file: {self.sim_ca}
  timeout: 5s
  max_in_flight: 2
  retry: {{ initial: 100ms, max: 1s }}
metrics:
  listen: 127.0.0.1:0
console:
  listen: 127.0.0.1:{self.console_port}
  users:
    - {{ name: {OPERATOR[0]}, role: operator, password_hash: "{password_hash(OPERATOR[1])}" }}
    - {{ name: {VIEWER[0]}, role: viewer, password_hash: "{password_hash(VIEWER[1])}" }}
routing:
  rules:
    - name: ct-urgent
      match:
        Modality: CT
        calling_ae: [TEST_SCU, CT02]
        StudyDescription: {{ regex: "(?i)chest" }}
      assign:
        assigned_to: {USER}
        express_customer_id: {CUSTOMER}
        severity: high
    - name: phantoms
      match: {{ PatientName: {{ regex: "^PHANTOM" }} }}
      action: ignore
  default:
    assign: {{ express_customer_id: {OTHER_CUSTOMER} }}
""")
        env = dict(os.environ, GW_TEST_API_KEY=API_KEY)
        log = open(self.gateway_log, 'w')
        child = subprocess.Popen([self.args.gateway, 'run', '--config', config],
                                 stdout=log, stderr=subprocess.STDOUT, env=env)
        self.children.append(child)

        def ready_line():
            if child.poll() is not None:
                raise RuntimeError('dicom-gateway exited:\n' + self.read_gateway_log())
            return next((l for l in self.read_gateway_log().splitlines() if 'gateway_ready' in l), None)

        line = wait_for(ready_line, 30, 'event=gateway_ready')
        self.dicom_port = int(re.search(r'\bport=(\d+)', line).group(1))
        logged = re.search(r'\bconsole_port=(\d+)', line)
        if logged and int(logged.group(1)) != self.console_port:
            raise RuntimeError(f'the console listens on {logged.group(1)}, not on the configured {self.console_port}')

        def console_answers():
            try:
                urllib.request.urlopen(self.console_url + 'api/v1/session', timeout=2)
            except urllib.error.HTTPError:
                return True  # 401: the console is up
            except OSError:
                return False
            return True

        wait_for(console_answers, 20, f'the console on port {self.console_port}')

    @property
    def console_url(self):
        return f'http://127.0.0.1:{self.console_port}/'

    def read_gateway_log(self):
        with open(self.gateway_log, errors='replace') as f:
            return f.read()

    def stop(self):
        for child in reversed(self.children):
            if child.poll() is None:
                child.terminate()
                try:
                    child.wait(15)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()


def make_study(testdata, tmp, description):
    """A copy of a CT fixture with a new study and SOP instance UID and `description`."""
    uid = f'2.25.{uuid.uuid4().int}'
    path = os.path.join(tmp, f'{uid}.dcm')
    shutil.copyfile(os.path.join(testdata, 'ct_chest_s1_i1.dcm'), path)
    subprocess.run(['dcmodify', '-nb', '-i', f'(0020,000D)={uid}',
                    '-i', f'(0008,0018)=2.25.{uuid.uuid4().int}',
                    '-i', f'(0008,1030)={description}', path],
                   check=True, capture_output=True)
    return uid, path


def send(port, path):
    subprocess.run(['storescu', '-aet', 'TEST_SCU', '-aec', 'AVARA_GW', '127.0.0.1', str(port), path],
                   check=True, capture_output=True, timeout=30)


class BrowserTest:
    def __init__(self, args, procs, tmp):
        self.args = args
        self.procs = procs
        self.tmp = tmp
        self.passed = 0
        self.failed = 0
        self.driver = None
        self.uids = {}

    # ------------------------------------------------------------ plumbing

    def start_browser(self):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--window-size=1280,900',
                    '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'):
            options.add_argument(arg)
        options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_script_timeout(20)

    def wait(self, condition, what, timeout=WAIT):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(lambda d: condition())
        except TimeoutException:
            raise AssertionError(f'timed out after {timeout} s waiting for {what}') from None

    def css(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text_of(self, selector):
        # One script, not find-then-read: live updates replace elements between two calls.
        return self.driver.execute_script(
            'const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null', selector)

    def click(self, selector):
        """Clicks the element, found again if a live update replaced it meanwhile."""
        def clicked():
            try:
                found = self.css(selector)
                if found:
                    found[0].click()
                    return True
            except StaleElementReferenceException:
                pass
            return False
        self.wait(clicked, f'{selector} to click', timeout=20)

    def shot(self, name):
        path = os.path.join(self.args.artifacts, f'console-{name}.png')
        self.driver.save_screenshot(path)
        return path

    def go(self, hash_route):
        """Follows a hash route inside the page (never a reload)."""
        self.driver.execute_script('location.hash = arguments[0]', hash_route)

    def check(self, name, fn):
        started = time.monotonic()
        try:
            fn()
        except Exception as e:  # a failed check is reported and the next one runs
            self.failed += 1
            print(f'FAIL {name}: {e}', flush=True)
            if not isinstance(e, AssertionError):
                traceback.print_exc()
            if self.driver:
                try:
                    self.shot('failure-' + re.sub(r'\W+', '-', name))
                except Exception:
                    pass
        else:
            self.passed += 1
            print(f'ok   {name} ({time.monotonic() - started:.1f} s)', flush=True)

    def login(self, user):
        self.wait(lambda: self.css('#login-name') and self.css('#login-name')[0].is_displayed(), 'the login form')
        name, password = user
        self.css('#login-name')[0].clear()
        self.css('#login-name')[0].send_keys(name)
        self.css('#login-password')[0].send_keys(password)
        self.click('#login-submit')
        self.wait(lambda: self.css('#top') and self.css('#top')[0].is_displayed(), f'the page after {name} logs in')

    def row_state(self, uid):
        return self.text_of(f'tr[data-uid="{uid}"] td.state')

    def assert_not_reloaded(self):
        marker = self.driver.execute_script('return window.__gwBrowserTestMarker')
        assert marker == 'set-once', 'the page was reloaded (the marker set after login is gone)'

    # ------------------------------------------------------------ checks

    def run(self):
        self.start_browser()
        self.check('the console serves its page with a strict Content-Security-Policy', self.check_headers)
        self.check('the login form, then the overview after an operator logs in', self.check_login)
        self.check('a study sent over DICOM appears registered without a reload', self.check_live_registration)
        self.check('a refused study shows failed with its reason', self.check_refused)
        self.check('retry as operator, confirmed in the dialog, registers it', self.check_retry)
        self.check('a StudyDescription with markup is shown as text', self.check_xss)
        self.check('the search narrows the table as one types', self.check_search)
        self.check('rules show their hits and route a file', self.check_rules)
        self.check('screenshots of the overview, on a desktop and on a phone', self.check_screenshots)
        self.check('no Content-Security-Policy violation or script error in the console log', self.check_console_log)
        self.check('a viewer sees no action buttons and the API answers 403', self.check_viewer)

    def check_headers(self):
        with urllib.request.urlopen(self.procs.console_url, timeout=5) as answer:
            csp = answer.headers.get('Content-Security-Policy', '')
            body = answer.read().decode()
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, f'CSP is {csp!r}'
        assert 'unsafe-inline' not in csp, f'CSP allows inline code: {csp!r}'
        assert '<script src="/console.js"' in body, 'GET / does not serve index.html'
        request = urllib.request.Request(self.procs.console_url + 'api/v1/session', method='POST',
                                         data=json.dumps({'name': OPERATOR[0], 'password': OPERATOR[1]}).encode(),
                                         headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=10) as answer:
            cookie = answer.headers.get('Set-Cookie', '')
            session = json.load(answer)
        assert session.get('role') == 'operator' and session.get('csrf'), f'POST /api/v1/session answered {session}'
        for attribute in ('HttpOnly', 'SameSite=Strict'):
            assert attribute.lower() in cookie.lower(), f'the session cookie lacks {attribute}: {cookie!r}'

    def check_login(self):
        self.driver.get(self.procs.console_url)
        self.shot('login')
        self.login(OPERATOR)
        self.wait(lambda: self.css('[data-state-count="registered"]'), 'the overview\'s state counts')
        assert self.text_of('#who').startswith('admin'), self.text_of('#who')
        self.driver.execute_script("window.__gwBrowserTestMarker = 'set-once'")
        self.wait(lambda: self.text_of('#live') == 'live', 'the event stream to connect')

    def check_live_registration(self):
        self.click('.nav a[data-route="studies"]')
        self.wait(lambda: self.css('#studies-summary') and 'Loading' not in self.text_of('#studies-summary'),
                  'the studies table')
        uid, path = make_study(self.args.testdata, self.tmp, 'CT CHEST live arrival')
        self.uids['live'] = uid
        send(self.procs.dicom_port, path)
        self.wait(lambda: self.row_state(uid) == 'registered', f'study {uid} registered in the table')
        self.assert_not_reloaded()

    def check_refused(self):
        # The viewer refuses the next create for good: 422 is a permanent failure.
        self.procs.sim_control('POST', '/_sim/faults',
                               {'status': 422, 'count': 1, 'only_path_prefix': '/v1/viewer/studies'})
        uid, path = make_study(self.args.testdata, self.tmp, 'CT CHEST refused by the viewer')
        self.uids['refused'] = uid
        send(self.procs.dicom_port, path)
        self.wait(lambda: self.row_state(uid) == 'failed', f'study {uid} failed in the table')
        self.click(f'tr[data-uid="{uid}"] td.desc a')
        self.wait(lambda: self.text_of('#study-state') == 'failed', 'the study page')
        self.wait(lambda: self.text_of('#study-error'), 'the failure reason on the study page', timeout=10)
        reason = self.text_of('#study-error')
        assert re.search(r'422|simulated fault', reason), f'the reason does not name the refusal: {reason!r}'
        assert self.css('#action-retry'), 'an operator sees no Retry button on a failed study'
        self.wait(lambda: self.css('#attempts tbody tr'), 'the attempts table', timeout=10)
        self.shot('study-failed')
        self.assert_not_reloaded()

    def check_retry(self):
        uid = self.uids['refused']
        self.procs.sim_control('DELETE', '/_sim/faults')
        self.click('#action-retry')
        self.wait(lambda: self.css('#confirm-ok') and self.css('#confirm-ok')[0].is_displayed(), 'the confirmation dialog')
        assert self.driver.execute_script("return document.getElementById('confirm').open"), 'the dialog is not open'
        self.shot('confirm')
        self.click('#confirm-ok')
        self.wait(lambda: self.text_of('#study-state') == 'registered', f'study {uid} registered after the retry')
        self.wait(lambda: self.css('#timeline li'), 'the timeline', timeout=10)
        self.shot('study')
        self.assert_not_reloaded()

    def check_xss(self):
        uid, path = make_study(self.args.testdata, self.tmp, XSS)
        self.uids['xss'] = uid
        self.go('#/studies')
        self.wait(lambda: self.css('#studies-table'), 'the studies table')
        send(self.procs.dicom_port, path)
        self.wait(lambda: self.css(f'tr[data-uid="{uid}"]'), f'study {uid} in the table')
        cell = self.text_of(f'tr[data-uid="{uid}"] td.desc a')
        assert cell == XSS, f'the description cell shows {cell!r}'
        assert not self.css('#studies-table img'), 'the table contains an <img> element'
        self.go('#/studies/' + uid)
        self.wait(lambda: self.text_of('#study-uid') == uid, 'the XSS study page')
        assert self.text_of('#study-title') == XSS, f'the title shows {self.text_of("#study-title")!r}'
        assert not self.css('#view img'), 'the study page contains an <img> element'
        try:
            alert = self.driver.switch_to.alert
            raise AssertionError(f'an alert fired: {alert.text!r}')
        except NoAlertPresentException:
            pass
        self.assert_not_reloaded()

    def check_search(self):
        self.go('#/studies')
        self.wait(lambda: len(self.css('#studies-table tbody tr')) >= 3, 'three studies in the table')
        search = self.css('#filter-q')[0]
        search.send_keys('onerror')
        xss = self.uids['xss']
        # Read in one script: rows are replaced as answers arrive, so element handles go stale.
        shown = lambda: self.driver.execute_script(
            "return [...document.querySelectorAll('#studies-table tbody tr')].map((r) => r.dataset.uid)")
        self.wait(lambda: shown() == [xss],
                  'the table to show only the study whose description matches')
        search.clear()
        search.send_keys('x')  # clear() fires no input event; typing and deleting does
        search.send_keys('\b')
        self.wait(lambda: len(shown()) >= 3, 'the whole table again')
        self.shot('studies')
        self.assert_not_reloaded()

    def check_rules(self):
        self.click('.nav a[data-route="rules"]')
        self.wait(lambda: self.css('#rules-table tbody tr'), 'the rules table')
        names = self.driver.execute_script(
            "return [...document.querySelectorAll('#rules-table tbody tr td:first-child')].map((c) => c.textContent)")
        assert 'ct-urgent' in names, f'rules shown: {names}'
        _, path = make_study(self.args.testdata, self.tmp, 'CT CHEST tried, not sent')
        self.css('#try-file')[0].send_keys(path)
        self.click('#try-submit')
        self.wait(lambda: 'ct-urgent' in (self.text_of('#try-result') or ''), 'the route answer naming ct-urgent')
        self.shot('rules')
        self.assert_not_reloaded()

    def check_screenshots(self):
        self.click('.nav a[data-route="overview"]')
        self.wait(lambda: self.text_of('[data-state-count="registered"]') not in (None, '0'),
                  'the overview counting registered studies')
        self.shot('overview')
        self.driver.set_window_size(390, 844)
        self.driver.execute_script('window.scrollTo(0, 0)')
        self.wait(lambda: self.css('[data-state-count="registered"]'), 'the overview on a phone')
        self.shot('phone')
        self.driver.set_window_size(1280, 900)
        self.assert_not_reloaded()

    def check_console_log(self):
        problems = []
        for entry in self.driver.get_log('browser'):
            message = entry.get('message', '')
            # 401 from GET /api/v1/session before login is how the page learns to show the form.
            if '/api/v1/session' in message and '401' in message:
                continue
            if entry.get('level') == 'SEVERE' or 'Content Security Policy' in message:
                problems.append(message)
        assert not problems, 'the browser console reported:\n  ' + '\n  '.join(problems)

    def check_viewer(self):
        self.click('#logout')
        self.login(VIEWER)
        uid = self.uids['refused']
        self.go('#/studies/' + uid)
        self.wait(lambda: self.text_of('#study-uid') == uid, 'the study page as a viewer')
        self.wait(lambda: self.text_of('#study-state') == 'registered', 'the study state')
        buttons = self.css('[data-action], .actions button')
        assert not buttons, f'a viewer sees action buttons: {[b.text for b in buttons]}'
        status = self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            (async () => {
              const session = await (await fetch('/api/v1/session', {credentials: 'same-origin'})).json();
              const answer = await fetch('/api/v1/studies/' + encodeURIComponent(arguments[0]) + '/retry', {
                method: 'POST', credentials: 'same-origin',
                headers: {'X-CSRF-Token': session.csrf, 'Accept': 'application/json'}});
              let code = null;
              try { code = (await answer.json()).error.code; } catch (e) {}
              done([session.role, answer.status, code]);
            })().catch((e) => done(['error', 0, String(e)]));
        """, uid)
        assert status[0] == 'viewer', f'the session is {status}'
        assert status[1] == 403, f'POST retry as a viewer answered {status[1]} ({status[2]})'
        assert status[2] == 'forbidden', f'the 403 carries code {status[2]!r}, not forbidden'
        self.shot('viewer')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--gateway', required=True)
    parser.add_argument('--simulator', required=True)
    parser.add_argument('--testdata', required=True)
    parser.add_argument('--artifacts', required=True)
    parser.add_argument('--keep', action='store_true', help='keep the temporary folder (logs, database)')
    args = parser.parse_args()

    missing = [what for what, present in (
        (f'chromium ({CHROMIUM})', os.access(CHROMIUM, os.X_OK)),
        (f'chromium-driver ({CHROMEDRIVER})', os.access(CHROMEDRIVER, os.X_OK)),
        (f'python3-selenium (for {sys.executable})', HAVE_SELENIUM)) if not present]
    if missing:
        print('SKIPPED: the browser test needs ' + ', '.join(missing) +
              '; scripts/install-deps installs them', flush=True)
        return SKIP
    for tool in ('storescu', 'dcmodify'):
        if not shutil.which(tool):
            print(f'FAIL: {tool} (DCMTK) is not on PATH', flush=True)
            return 1

    os.makedirs(args.artifacts, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='gw-browser-')
    procs = Processes(args, tmp)
    test = BrowserTest(args, procs, tmp)
    try:
        procs.start_simulator()
        procs.start_gateway()
        test.run()
    except Exception as e:  # the set-up failed: nothing could be checked
        test.failed += 1
        print(f'FAIL set-up: {e}', flush=True)
        traceback.print_exc()
    finally:
        if test.driver:
            test.driver.quit()
        procs.stop()
        if test.failed:
            shutil.copyfile(procs.gateway_log, os.path.join(args.artifacts, 'gateway.log')) \
                if os.path.exists(procs.gateway_log) else None
            print(f'gateway log: {os.path.join(args.artifacts, "gateway.log")}', flush=True)
        if args.keep:
            print(f'kept {tmp}', flush=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f'{test.passed} passed, {test.failed} failed', flush=True)
    return 0 if test.failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
