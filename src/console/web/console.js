// dicom-gateway console: a single-page app over the REST API (docs/console.md).
// Plain JS, no framework, no build step. Served under a Content-Security-Policy without
// inline script or style: every value reaches the page through textContent or an attribute
// set with setAttribute; no HTML string is ever parsed.
'use strict';

(() => {
  const STATES = ['receiving', 'pending', 'in_flight', 'registered', 'failed', 'ignored'];
  const PAGE_SIZE = 50;
  const ACTION_TEXT = {
    retry: {
      label: 'Retry',
      title: 'Retry this study?',
      text: 'The gateway tries to register it again now, with the same registration.',
    },
    resend: {
      label: 'Resend',
      title: 'Register this study again?',
      text: 'A new registration is sent with a new idempotency key: the viewer may show the study twice.',
    },
    forget: {
      label: 'Forget',
      title: 'Forget this study?',
      text: 'Its record and its spooled files are removed from the gateway. The viewer is not changed.',
    },
  };

  const session = { user: null, role: null, csrf: null };
  let currentView = null;
  let events = null;
  let eventsRetry = null;

  // ---------------------------------------------------------------- DOM helpers

  const byId = (id) => document.getElementById(id);

  /// el('a', {href: '#/', class: 'x'}, 'text', child, [more]) — attributes via setAttribute,
  /// children as text nodes: nothing is ever parsed as HTML.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [name, value] of Object.entries(attrs)) {
        if (value === undefined || value === null || value === false) continue;
        if (name === 'style' || name.startsWith('on')) throw new Error('refused attribute ' + name);
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue;
      if (Array.isArray(child)) append(node, child);
      else if (child instanceof Node) node.appendChild(child);
      else node.appendChild(document.createTextNode(String(child)));
    }
  }

  /// A list field as an array (a lone string is tolerated: one value or a "\\"-joined list).
  const list = (value) => (Array.isArray(value) ? value : (typeof value === 'string' && value ? value.split('\\') : []));

  const dash = (value) => (value === undefined || value === null || value === '' ? '—' : value);

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  /// An ISO time as local "YYYY-MM-DD HH:MM:SS" in a <time> whose title keeps the original.
  function timeEl(iso) {
    if (!iso) return document.createTextNode('—');
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return document.createTextNode(String(iso));
    const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
      `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    return el('time', { datetime: iso, title: iso }, text);
  }

  function bytes(n) {
    if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
  }

  function duration(seconds) {
    if (typeof seconds !== 'number') return '—';
    const d = Math.floor(seconds / 86400);
    const h = Math.floor((seconds % 86400) / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    if (d) return `${d} d ${h} h`;
    if (h) return `${h} h ${m} min`;
    return `${m} min ${Math.floor(seconds % 60)} s`;
  }

  function stateBadge(state) {
    const known = STATES.includes(state) ? state : 'unknown';
    return el('span', { class: `badge state-${known}` }, dash(state));
  }

  function studyHref(uid) {
    return '#/studies/' + encodeURIComponent(uid);
  }

  let toastTimer = null;
  function toast(message, isError) {
    const node = byId('toast');
    node.textContent = message;
    node.classList.toggle('error', Boolean(isError));
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 5000);
  }

  /// Runs `fn` at most once per `delay` ms however often it is asked for, and never twice at
  /// once: events can arrive by the hundred per second on a busy gateway.
  function coalescer(fn, delay) {
    let timer = null;
    let running = false;
    let again = false;
    const run = async () => {
      timer = null;
      running = true;
      try {
        await fn();
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) console.warn(e);
      } finally {
        running = false;
        if (again) {
          again = false;
          schedule();
        }
      }
    };
    const schedule = () => {
      if (running) {
        again = true;
      } else if (!timer) {
        timer = setTimeout(run, delay);
      }
    };
    schedule.cancel = () => {
      clearTimeout(timer);
      timer = null;
      again = false;
    };
    return schedule;
  }

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, code, message, retryAfter) {
      super(message);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  /// One request with the session cookie; POST and DELETE carry the CSRF token. Answers the
  /// parsed JSON (null for 204); throws ApiError with the API's stable code otherwise.
  async function api(method, path, options = {}) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
    let body;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType;
      body = options.body;
    }
    let response;
    try {
      response = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, 'network', 'The gateway cannot be reached: ' + e.message, null);
    }
    let data = null;
    const text = response.status === 204 ? '' : await response.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = null;
      }
    }
    if (!response.ok) {
      const error = (data && data.error) || {};
      const failure = new ApiError(response.status, error.code || `http_${response.status}`,
        error.message || response.statusText || `HTTP ${response.status}`,
        response.headers.get('Retry-After'));
      if (response.status === 401 && path !== '/api/v1/session') loggedOut('Your session has ended; log in again.');
      throw failure;
    }
    return data;
  }

  // ---------------------------------------------------------------- session

  function showLogin(message) {
    byId('top').hidden = true;
    byId('view').replaceChildren();
    byId('login').hidden = false;
    byId('login-error').textContent = message || '';
    document.title = 'Log in · dicom-gateway';
    byId('login-name').focus();
  }

  function loggedIn(answer) {
    session.user = answer.user;
    session.role = answer.role;
    session.csrf = answer.csrf;
    byId('login').hidden = true;
    byId('top').hidden = false;
    byId('who').textContent = `${answer.user} (${answer.role})`;
    document.body.dataset.role = answer.role || '';
    openEvents();
    route();
  }

  function loggedOut(message) {
    if (!session.user && !byId('login').hidden) return;
    session.user = session.role = session.csrf = null;
    closeEvents();
    if (currentView && currentView.dispose) currentView.dispose();
    currentView = null;
    showLogin(message);
  }

  async function onLoginSubmit(event) {
    event.preventDefault();
    const button = byId('login-submit');
    const errorNode = byId('login-error');
    errorNode.textContent = '';
    button.disabled = true;
    try {
      const answer = await api('POST', '/api/v1/session', {
        json: { name: byId('login-name').value, password: byId('login-password').value },
      });
      byId('login-password').value = '';
      loggedIn(answer);
    } catch (e) {
      if (e.status === 401) errorNode.textContent = 'Wrong user name or password.';
      else if (e.status === 429) errorNode.textContent = `Too many attempts; try again in ${e.retryAfter || 'a few'} seconds.`;
      else errorNode.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  }

  async function logOut() {
    try {
      await api('DELETE', '/api/v1/session');
    } catch (e) {
      // The session may be gone already; the login form is shown either way.
    }
    loggedOut('');
  }

  // ---------------------------------------------------------------- live events

  function setLive(text, live) {
    const node = byId('live');
    node.textContent = text;
    node.classList.toggle('on', Boolean(live));
  }

  function openEvents() {
    closeEvents();
    const source = new EventSource('/api/v1/events');
    events = source;
    let opened = false;
    source.onopen = () => {
      setLive('live', true);
      // Events sent while the stream was down are lost: after a reconnection, read again.
      if (opened && currentView && currentView.resync) currentView.resync();
      opened = true;
    };
    source.onerror = () => {
      if (events !== source) return;
      setLive('reconnecting…', false);
      // The browser reconnects by itself unless the answer was not a stream (e.g. 401).
      if (source.readyState === EventSource.CLOSED) {
        clearTimeout(eventsRetry);
        eventsRetry = setTimeout(async () => {
          try {
            await api('GET', '/api/v1/session');
            if (events === source) openEvents();
          } catch (e) {
            // api() shows the login form on 401; other errors retry on the next timer.
            if (e.status !== 401 && events === source) openEvents();
          }
        }, 3000);
      }
    };
    for (const type of ['arrival', 'state', 'alarm']) {
      source.addEventListener(type, (message) => {
        let data;
        try {
          data = JSON.parse(message.data);
        } catch (e) {
          return;
        }
        if (currentView && currentView.onEvent) currentView.onEvent(type, data);
      });
    }
  }

  function closeEvents() {
    clearTimeout(eventsRetry);
    if (events) events.close();
    events = null;
    setLive('offline', false);
  }

  // ---------------------------------------------------------------- routing

  function parseHash() {
    const hash = location.hash.replace(/^#/, '') || '/';
    const q = hash.indexOf('?');
    return {
      path: q < 0 ? hash : hash.slice(0, q),
      params: new URLSearchParams(q < 0 ? '' : hash.slice(q + 1)),
    };
  }

  function route() {
    if (!session.user) return;
    if (currentView && currentView.dispose) currentView.dispose();
    const { path, params } = parseHash();
    let section;
    if (path === '/' || path === '') {
      currentView = overviewView();
      section = 'overview';
    } else if (path === '/studies') {
      currentView = studiesView(params);
      section = 'studies';
    } else if (path.startsWith('/studies/')) {
      currentView = studyView(decodeURIComponent(path.slice('/studies/'.length)));
      section = 'studies';
    } else if (path === '/rules') {
      currentView = rulesView();
      section = 'rules';
    } else {
      currentView = messageView('Not found', 'There is no page at this address.');
    }
    for (const link of document.querySelectorAll('.nav a')) {
      if (link.dataset.route === section) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    byId('view').replaceChildren(currentView.root);
  }

  function messageView(title, text) {
    document.title = `${title} · dicom-gateway`;
    return { root: el('section', null, el('h1', null, title), el('p', null, text)) };
  }

  function errorBox(error) {
    return el('p', { class: 'error', role: 'alert' }, error.message || String(error));
  }

  /// Replaces `container`'s children with `build()`'s, giving the focus back to the element
  /// with the same data-focus key when the focused one was replaced (keyboard users stay put).
  function rerender(container, build) {
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.dataset.focus : null;
    container.replaceChildren(...[].concat(build()));
    if (key) {
      const again = container.querySelector(`[data-focus="${CSS.escape(key)}"]`);
      if (again) again.focus();
    }
  }

  // ---------------------------------------------------------------- overview

  function overviewView() {
    document.title = 'Overview · dicom-gateway';
    const body = el('div', { class: 'overview-body' }, el('p', { class: 'muted' }, 'Loading…'));
    const root = el('section', { 'aria-labelledby': 'overview-title' },
      el('h1', { id: 'overview-title' }, 'Overview'), body);

    const load = async () => {
      try {
        const status = await api('GET', '/api/v1/status');
        rerender(body, () => renderOverview(status));
      } catch (e) {
        if (e.status !== 401) rerender(body, () => errorBox(e));
      }
    };
    const refresh = coalescer(load, 1000);
    const timer = setInterval(refresh, 10000);  // rates and uptime move without events
    load();
    return {
      root,
      onEvent: () => refresh(),
      resync: () => refresh(),
      dispose: () => {
        clearInterval(timer);
        refresh.cancel();
      },
    };
  }

  function renderOverview(s) {
    const states = s.states || {};
    const out = [];
    out.push(el('p', { class: s.ready ? 'ready ok' : 'ready bad', id: 'readiness' },
      s.ready ? 'Ready: receiving and registering.' : `Not ready: ${dash(s.notReady)}`));

    out.push(el('ul', { class: 'state-cards', 'aria-label': 'Studies by state' },
      STATES.map((name) => el('li', null,
        el('a', { class: `state-card state-${name}`, href: `#/studies?state=${name}`, 'data-focus': `card-${name}` },
          el('span', { class: 'count', 'data-state-count': name }, String(states[name] ?? 0)),
          el('span', { class: 'label' }, name.replace('_', ' ')))))));

    const rates = s.rates || {};
    const spool = s.spool || {};
    const usedShare = spool.totalBytes ? 1 - spool.freeBytes / spool.totalBytes : 0;
    out.push(el('div', { class: 'grid' },
      el('section', { class: 'card', 'aria-labelledby': 'rates-title' },
        el('h2', { id: 'rates-title' }, 'Last minute'),
        el('dl', { class: 'pairs' },
          el('dt', null, 'Instances received'), el('dd', null, String(rates.instancesLastMinute ?? 0)),
          el('dt', null, 'Studies registered'), el('dd', null, String(rates.registrationsLastMinute ?? 0))),
      ),
      el('section', { class: 'card', 'aria-labelledby': 'alarms-title' },
        el('h2', { id: 'alarms-title' }, 'Alarms'),
        renderAlarms(s)),
      el('section', { class: 'card', 'aria-labelledby': 'spool-title' },
        el('h2', { id: 'spool-title' }, 'Spool'),
        el('meter', { min: 0, max: 1, value: usedShare.toFixed(3), high: 0.85, optimum: 0, 'aria-label': 'Spool used' }),
        el('p', null, `${bytes(spool.freeBytes)} free of ${bytes(spool.totalBytes)}`)),
    ));

    const failures = s.lastFailures || [];
    out.push(el('section', { class: 'card', 'aria-labelledby': 'failures-title' },
      el('h2', { id: 'failures-title' }, 'Last failures'),
      failures.length === 0
        ? el('p', { class: 'muted' }, 'None.')
        : el('div', { class: 'table-wrap' }, el('table', { class: 'data', id: 'last-failures' },
          el('thead', null, el('tr', null, el('th', { scope: 'col' }, 'Study'), el('th', { scope: 'col' }, 'When'), el('th', { scope: 'col' }, 'Error'))),
          el('tbody', null, failures.map((f) => el('tr', null,
            el('td', { class: 'uid' }, el('a', { href: studyHref(f.studyInstanceUid), 'data-focus': `fail-${f.studyInstanceUid}` }, f.studyInstanceUid)),
            el('td', null, timeEl(f.at)),
            el('td', { class: 'error-text' }, dash(f.error)))))))));

    out.push(el('p', { class: 'muted footer-line' },
      `dicom-gateway ${dash(s.version)} on ${dash(s.node)} · up ${duration(s.uptimeSeconds)} · started `,
      timeEl(s.startedAt)));
    return out;
  }

  function renderAlarms(s) {
    const items = [];
    for (const a of s.alarms || []) {
      items.push(el('li', { class: 'alarm' }, el('strong', null, a.alarm), ' since ', timeEl(a.since),
        a.detail ? el('span', { class: 'detail' }, a.detail) : null));
    }
    if (s.breakerOpen) items.push(el('li', { class: 'alarm' }, el('strong', null, 'breaker open'), ' — the viewer API is presumed down; one request probes it.'));
    if (s.authPausedUntil) items.push(el('li', { class: 'alarm' }, el('strong', null, 'authentication paused'), ' until ', timeEl(s.authPausedUntil)));
    if (items.length === 0) return el('p', { class: 'muted', id: 'no-alarms' }, 'No alarms.');
    return el('ul', { class: 'alarms', id: 'alarms' }, items);
  }

  // ---------------------------------------------------------------- studies

  const FILTERS = ['q', 'state', 'calling_ae', 'since', 'until'];

  function studiesView(params) {
    document.title = 'Studies · dicom-gateway';
    const filter = {};
    for (const name of FILTERS) filter[name] = params.get(name) || '';

    const input = (name, label, attrs) => [
      el('label', { for: `filter-${name}` }, label),
      el('input', Object.assign({ id: `filter-${name}`, name, value: filter[name] }, attrs)),
    ];
    const stateSelect = el('select', { id: 'filter-state', name: 'state' },
      el('option', { value: '' }, 'any'),
      STATES.map((s) => el('option', { value: s, selected: s === filter.state }, s)));
    const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter studies' },
      el('div', { class: 'field grow' }, input('q', 'Search', { type: 'search', placeholder: 'UID, accession or description', autocomplete: 'off', spellcheck: 'false' })),
      el('div', { class: 'field' }, el('label', { for: 'filter-state' }, 'State'), stateSelect),
      el('div', { class: 'field' }, input('calling_ae', 'Calling AE', { autocomplete: 'off', spellcheck: 'false', size: 12 })),
      el('div', { class: 'field' }, input('since', 'Since', { type: 'datetime-local' })),
      el('div', { class: 'field' }, input('until', 'Until', { type: 'datetime-local' })));

    const tbody = el('tbody');
    const table = el('table', { class: 'data studies', id: 'studies-table' },
      el('caption', { class: 'visually-hidden' }, 'Studies, newest first'),
      el('thead', null, el('tr', null,
        el('th', { scope: 'col' }, 'Study'),
        el('th', { scope: 'col' }, 'State'),
        el('th', { scope: 'col', class: 'opt' }, 'Accession'),
        el('th', { scope: 'col', class: 'opt' }, 'Modalities'),
        el('th', { scope: 'col', class: 'opt' }, 'Callers'),
        el('th', { scope: 'col', class: 'num opt' }, 'Instances'),
        el('th', { scope: 'col', class: 'opt' }, 'First seen'),
        el('th', { scope: 'col' }, 'Last instance'),
        el('th', { scope: 'col', class: 'num opt' }, 'Attempts'),
        el('th', { scope: 'col', class: 'opt' }, 'Last error'))),
      tbody);
    const summary = el('p', { class: 'muted', id: 'studies-summary', 'aria-live': 'polite' }, 'Loading…');
    const more = el('button', { type: 'button', id: 'studies-more', hidden: true }, 'Load more');
    const root = el('section', { 'aria-labelledby': 'studies-title' },
      el('h1', { id: 'studies-title' }, 'Studies'), form, summary,
      el('div', { class: 'table-wrap' }, table), el('p', null, more));

    const rows = new Map();  // uid -> <tr>
    let cursor = null;
    let generation = 0;  // a reload makes the answers of older requests stale

    const query = () => {
      const p = new URLSearchParams();
      for (const name of FILTERS) {
        if (!filter[name]) continue;
        p.set(name, name === 'since' || name === 'until' ? localToIso(filter[name]) : filter[name]);
      }
      return p;
    };

    const updateSummary = () => {
      summary.textContent = rows.size === 0 ? 'No studies match.' : `Showing ${rows.size} ${rows.size === 1 ? 'study' : 'studies'}${cursor ? ' (more below)' : ''}.`;
      more.hidden = !cursor;
    };

    const loadPage = async (reset) => {
      const mine = reset ? ++generation : generation;
      const p = query();
      p.set('limit', String(PAGE_SIZE));
      if (!reset && cursor) p.set('cursor', cursor);
      more.disabled = true;
      try {
        const answer = await api('GET', '/api/v1/studies?' + p.toString());
        if (mine !== generation) return;
        if (reset) {
          rows.clear();
          tbody.replaceChildren();
        }
        for (const study of answer.studies || []) {
          if (rows.has(study.studyInstanceUid)) continue;
          const tr = studyRow(study);
          rows.set(study.studyInstanceUid, tr);
          tbody.appendChild(tr);
        }
        cursor = answer.nextCursor || null;
        updateSummary();
      } catch (e) {
        if (mine === generation && e.status !== 401) summary.replaceChildren(errorBox(e));
      } finally {
        more.disabled = false;
      }
    };

    // Live: the studies named by events are looked up one by one (at most 25 per pass) and
    // their rows replaced; a new study goes on top when it matches the filter. The table is
    // never reloaded because of an event.
    const touched = new Set();
    const flush = coalescer(async () => {
      const batch = [...touched].slice(0, 25);
      for (const uid of batch) touched.delete(uid);
      if (touched.size) flush();
      await Promise.all(batch.map(async (uid) => {
        let study = null;
        try {
          study = (await api('GET', '/api/v1/studies/' + encodeURIComponent(uid))).study;
        } catch (e) {
          if (e.status !== 404) return;
        }
        const old = rows.get(uid);
        if (!study) {
          if (old) {
            old.remove();
            rows.delete(uid);
          }
        } else if (old) {
          const tr = studyRow(study);
          tr.classList.add('changed');
          old.replaceWith(tr);
          rows.set(uid, tr);
        } else if (matches(study, filter)) {
          const tr = studyRow(study);
          tr.classList.add('changed');
          tbody.insertBefore(tr, tbody.firstChild);
          rows.set(uid, tr);
        }
      }));
      updateSummary();
    }, 300);

    const onInput = coalescer(async () => {
      let changed = false;
      for (const name of FILTERS) {
        const value = form.elements[name].value.trim();
        if (filter[name] !== value) changed = true;
        filter[name] = value;
      }
      if (!changed) return;
      const p = new URLSearchParams();
      for (const name of FILTERS) if (filter[name]) p.set(name, filter[name]);
      const qs = p.toString();
      // replaceState: a new filter is not a new page (and must not trigger a hash route).
      history.replaceState(null, '', '#/studies' + (qs ? '?' + qs : ''));
      touched.clear();
      await loadPage(true);
    }, 250);
    form.addEventListener('input', onInput);
    form.addEventListener('change', onInput);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      onInput();
    });
    more.addEventListener('click', () => loadPage(false));

    loadPage(true);
    return {
      root,
      onEvent: (type, data) => {
        if (type === 'alarm' || !data.studyInstanceUid) return;
        // A study not shown that moves to another state than the filtered one cannot match.
        if (!rows.has(data.studyInstanceUid) && type === 'state' && filter.state && data.to !== filter.state) return;
        touched.add(data.studyInstanceUid);
        flush();
      },
      resync: () => loadPage(true),
      dispose: () => {
        flush.cancel();
        onInput.cancel();
      },
    };
  }

  function localToIso(value) {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? value : d.toISOString();
  }

  /// Whether a study (looked up after an event) belongs in the filtered table.
  function matches(study, filter) {
    if (filter.state && study.state !== filter.state) return false;
    if (filter.calling_ae && !list(study.callers).includes(filter.calling_ae)) return false;
    if (filter.q) {
      const q = filter.q.toLowerCase();
      const hay = [study.studyInstanceUid, study.accessionNumber, study.description];
      if (!hay.some((v) => typeof v === 'string' && v.toLowerCase().includes(q))) return false;
    }
    const first = Date.parse(study.firstSeen);
    if (filter.since && !(first >= Date.parse(localToIso(filter.since)))) return false;
    if (filter.until && !(first <= Date.parse(localToIso(filter.until)))) return false;
    return true;
  }

  function studyRow(s) {
    const uid = s.studyInstanceUid;
    return el('tr', { 'data-uid': uid, 'data-state': s.state },
      el('td', { class: 'desc' },
        el('a', { href: studyHref(uid), 'data-focus': `row-${uid}` }, s.description || '(no description)'),
        el('span', { class: 'uid sub' }, uid)),
      el('td', { class: 'state' }, stateBadge(s.state)),
      el('td', { class: 'opt' }, dash(s.accessionNumber)),
      el('td', { class: 'opt' }, dash(list(s.modalities).join(' '))),
      el('td', { class: 'opt' }, dash(list(s.callers).join(', '))),
      el('td', { class: 'num opt' }, String(s.instances ?? '—')),
      el('td', { class: 'opt' }, timeEl(s.firstSeen)),
      el('td', null, timeEl(s.lastInstance)),
      el('td', { class: 'num opt' }, String(s.attempts ?? 0)),
      el('td', { class: 'opt error-text', title: s.lastError || null }, s.lastError || ''));
  }

  // ---------------------------------------------------------------- one study

  function studyView(uid) {
    document.title = 'Study · dicom-gateway';
    const body = el('div', null, el('p', { class: 'muted' }, 'Loading…'));
    const root = el('section', { class: 'study-page', 'aria-labelledby': 'study-title' },
      el('p', { class: 'crumbs' }, el('a', { href: '#/studies' }, '← Studies')), body);
    let disposed = false;

    const load = async () => {
      try {
        const detail = await api('GET', '/api/v1/studies/' + encodeURIComponent(uid));
        if (disposed) return;
        rerender(body, () => renderStudy(detail, act));
      } catch (e) {
        if (disposed || e.status === 401) return;
        if (e.status === 404) {
          rerender(body, () => [el('h1', { id: 'study-title' }, 'No such study'),
            el('p', null, 'The gateway has no study ', el('span', { class: 'uid' }, uid), '.')]);
        } else {
          rerender(body, () => errorBox(e));
        }
      }
    };
    const refresh = coalescer(load, 500);

    const act = async (action, button) => {
      const text = ACTION_TEXT[action] || { label: action, title: `${action}?`, text: '' };
      const ok = await confirmDialog(text.title, text.text, text.label);
      if (!ok) {
        button.focus();
        return;
      }
      button.disabled = true;
      try {
        const answer = await api('POST', `/api/v1/studies/${encodeURIComponent(uid)}/${action}`);
        toast((answer && answer.message) || `${text.label}: done.`);
      } catch (e) {
        if (e.status !== 401) toast(`${text.label} refused: ${e.message}`, true);
      } finally {
        button.disabled = false;
        await load();
      }
    };

    load();
    return {
      root,
      onEvent: (type, data) => {
        if (data.studyInstanceUid === uid) refresh();
      },
      resync: () => refresh(),
      dispose: () => {
        disposed = true;
        refresh.cancel();
      },
    };
  }

  function renderStudy(detail, act) {
    const s = detail.study || {};
    document.title = `${s.description || s.studyInstanceUid} · dicom-gateway`;
    const out = [];
    out.push(el('header', { class: 'study-head' },
      el('h1', { id: 'study-title' }, s.description || '(no description)'),
      el('p', { class: 'uid', id: 'study-uid' }, s.studyInstanceUid),
      el('p', null, el('span', { id: 'study-state' }, stateBadge(s.state)),
        s.lastError ? el('span', { class: 'error-text', id: 'study-error' }, ' ', s.lastError) : null)));

    const actions = Array.isArray(detail.actions) ? detail.actions : [];
    if (actions.length) {
      out.push(el('div', { class: 'actions', role: 'group', 'aria-label': 'Actions' },
        actions.map((action) => {
          const button = el('button', {
            type: 'button',
            class: action === 'forget' ? 'danger' : 'primary',
            id: `action-${action}`,
            'data-action': action,
            'data-focus': `action-${action}`,
          }, (ACTION_TEXT[action] || { label: action }).label);
          button.addEventListener('click', () => act(action, button));
          return button;
        })));
    }

    out.push(el('div', { class: 'grid' },
      el('section', { class: 'card', 'aria-labelledby': 'summary-title' },
        el('h2', { id: 'summary-title' }, 'Summary'),
        el('dl', { class: 'pairs' },
          pair('State', s.state),
          pair('Accession', s.accessionNumber),
          pair('Modalities', list(s.modalities).join(' ')),
          pair('Callers', list(s.callers).join(', ')),
          pair('Series / instances', `${s.series ?? '—'} / ${s.instances ?? '—'}`),
          pair('Size', bytes(s.bytes)),
          pair('First seen', timeEl(s.firstSeen)),
          pair('Last instance', timeEl(s.lastInstance)),
          pair('Updated', timeEl(s.updated)),
          pair('Attempts', String(s.attempts ?? 0)),
          pair('Next attempt', timeEl(s.nextAttempt)),
          pair('Viewer study', s.studyId),
          pair('Rule', s.rule),
          // The fleet: which gateway received it, holds its claim, registered it.
          pair('Received by', s.receivedBy),
          s.state === 'in_flight' ? pair('Claimed by', s.claimedBy) : [],
          pair('Registered by', s.registeredBy))),
      renderTimeline(detail.timeline || [])));

    out.push(renderAttempts(detail.attempts || []));
    out.push(renderRouting(detail.routing));
    out.push(renderFacts(detail.facts || {}));
    out.push(el('section', { class: 'card', 'aria-labelledby': 'request-title' },
      el('h2', { id: 'request-title' }, 'Registration request'),
      detail.request
        ? el('pre', { class: 'json', tabindex: 0 }, JSON.stringify(detail.request, null, 2))
        : el('p', { class: 'muted' }, 'None (not routed, or ignored).')));
    return out;
  }

  function pair(label, value) {
    return [el('dt', null, label), el('dd', null, value instanceof Node ? value : dash(value))];
  }

  function renderTimeline(timeline) {
    return el('section', { class: 'card', 'aria-labelledby': 'timeline-title' },
      el('h2', { id: 'timeline-title' }, 'Timeline'),
      timeline.length === 0
        ? el('p', { class: 'muted' }, 'Nothing yet.')
        : el('ol', { class: 'timeline', id: 'timeline' }, timeline.map((t) => el('li', { class: `kind-${/^[a-z_]+$/.test(t.kind) ? t.kind : 'other'}` },
          timeEl(t.at), el('span', { class: 'kind' }, dash(t.kind)), el('span', { class: 'detail' }, dash(t.detail))))));
  }

  function renderAttempts(attempts) {
    return el('section', { class: 'card', 'aria-labelledby': 'attempts-title' },
      el('h2', { id: 'attempts-title' }, 'Attempts'),
      attempts.length === 0
        ? el('p', { class: 'muted' }, 'No attempt yet.')
        : el('div', { class: 'table-wrap' }, el('table', { class: 'data', id: 'attempts' },
          el('thead', null, el('tr', null, ['When', 'Outcome', 'HTTP', 'Duration', 'Error'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', null, attempts.map((a) => el('tr', null,
            el('td', null, timeEl(a.at)),
            el('td', null, dash(a.outcome)),
            el('td', { class: 'num' }, a.httpStatus ? String(a.httpStatus) : '—'),
            el('td', { class: 'num' }, typeof a.durationMs === 'number' ? `${a.durationMs} ms` : '—'),
            el('td', { class: 'error-text' }, a.error || '')))))));
  }

  function renderRouting(routing) {
    const card = el('section', { class: 'card', 'aria-labelledby': 'routing-title' },
      el('h2', { id: 'routing-title' }, 'Routing'));
    if (!routing) {
      card.appendChild(el('p', { class: 'muted' }, 'Not routed yet.'));
      return card;
    }
    card.appendChild(el('p', null, 'Rule ', el('strong', null, dash(routing.rule)), ', action ', el('strong', null, dash(routing.action)), '.'));
    const steps = routing.explanation || [];
    if (steps.length) {
      card.appendChild(el('ol', { class: 'explanation' }, steps.map((step) => el('li', { class: step.matched ? 'matched' : 'skipped' },
        el('span', { class: 'mark', 'aria-hidden': 'true' }, step.matched ? '✓' : '✗'),
        el('strong', null, dash(step.rule)),
        step.line ? ` (line ${step.line})` : '',
        step.matched ? ' matched' : [' skipped: ', el('code', null, dash(step.failedCondition))]))));
    }
    return card;
  }

  function renderFacts(facts) {
    const names = Object.keys(facts).sort();
    return el('section', { class: 'card', 'aria-labelledby': 'facts-title' },
      el('h2', { id: 'facts-title' }, 'DICOM facts'),
      names.length === 0
        ? el('p', { class: 'muted' }, 'None.')
        : el('dl', { class: 'pairs facts' }, names.map((name) => pair(name,
          [].concat(facts[name]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' \\ ')))));
  }

  /// The page's own confirmation (a modal <dialog>: focus stays inside, Escape cancels).
  /// Resolves true when confirmed.
  function confirmDialog(title, text, label) {
    const dialog = byId('confirm');
    byId('confirm-title').textContent = title;
    byId('confirm-text').textContent = text;
    byId('confirm-ok').textContent = label;
    return new Promise((resolve) => {
      const done = () => {
        dialog.removeEventListener('close', done);
        resolve(dialog.returnValue === 'ok');
      };
      dialog.returnValue = '';
      dialog.addEventListener('close', done);
      dialog.showModal();
      byId('confirm-cancel').focus();
    });
  }

  // ---------------------------------------------------------------- rules

  function rulesView() {
    document.title = 'Rules · dicom-gateway';
    const rulesBox = el('div', null, el('p', { class: 'muted' }, 'Loading…'));
    const fileInput = el('input', { type: 'file', id: 'try-file', accept: '.dcm,application/dicom' });
    const result = el('div', { id: 'try-result', 'aria-live': 'polite' });
    const form = el('form', { class: 'card try', 'aria-labelledby': 'try-title' },
      el('h2', { id: 'try-title' }, 'Try a file'),
      el('p', { class: 'muted' }, 'Routes a DICOM file as if it had arrived. Nothing is stored or sent.'),
      el('label', { for: 'try-file' }, 'DICOM file'), fileInput,
      el('button', { type: 'submit', class: 'primary', id: 'try-submit' }, 'Route'), result);
    const root = el('section', { 'aria-labelledby': 'rules-title' },
      el('h1', { id: 'rules-title' }, 'Rules'), rulesBox, form);

    const load = async () => {
      try {
        const answer = await api('GET', '/api/v1/rules');
        rerender(rulesBox, () => renderRules(answer));
      } catch (e) {
        if (e.status !== 401) rerender(rulesBox, () => errorBox(e));
      }
    };
    const refresh = coalescer(load, 2000);

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const file = fileInput.files && fileInput.files[0];
      if (!file) {
        result.replaceChildren(el('p', { class: 'error' }, 'Choose a DICOM file first.'));
        return;
      }
      result.replaceChildren(el('p', { class: 'muted' }, 'Routing…'));
      try {
        const answer = await api('POST', '/api/v1/route', { body: await file.arrayBuffer(), contentType: 'application/dicom' });
        result.replaceChildren(...renderRouteAnswer(answer));
      } catch (e) {
        if (e.status !== 401) result.replaceChildren(errorBox(e));
      }
    });

    load();
    return {
      root,
      onEvent: (type) => {
        if (type === 'arrival' || type === 'state') refresh();
      },
      resync: () => refresh(),
      dispose: () => refresh.cancel(),
    };
  }

  function renderRules(answer) {
    const rules = answer.rules || [];
    return [
      el('p', { class: 'muted' }, 'Hits since ', timeEl(answer.since), ', in the order they are tried.'),
      el('div', { class: 'table-wrap' }, el('table', { class: 'data', id: 'rules-table' },
        el('thead', null, el('tr', null,
          el('th', { scope: 'col' }, 'Rule'), el('th', { scope: 'col', class: 'num' }, 'Line'),
          el('th', { scope: 'col' }, 'Action'), el('th', { scope: 'col', class: 'num' }, 'Hits'))),
        el('tbody', null, rules.map((r) => el('tr', null,
          el('td', null, dash(r.name)),
          el('td', { class: 'num' }, r.line ? String(r.line) : '—'),
          el('td', null, dash(r.action)),
          el('td', { class: 'num' }, String(r.hits ?? 0))))))),
    ];
  }

  function renderRouteAnswer(a) {
    const out = [el('dl', { class: 'pairs' },
      pair('Study', a.studyInstanceUid), pair('Rule', a.rule), pair('Action', a.action))];
    if ((a.skipped || []).length) {
      out.push(el('h3', null, 'Rules skipped'), el('ul', null, a.skipped.map((s) => el('li', null,
        el('strong', null, dash(s.rule)), s.line ? ` (line ${s.line})` : '', ': ', el('code', null, dash(s.failedCondition))))));
    }
    if ((a.warnings || []).length) {
      out.push(el('h3', null, 'Warnings'), el('ul', { class: 'warnings' }, a.warnings.map((w) => el('li', null, typeof w === 'string' ? w : JSON.stringify(w)))));
    }
    out.push(el('h3', null, 'Request'), a.request
      ? el('pre', { class: 'json', tabindex: 0 }, JSON.stringify(a.request, null, 2))
      : el('p', { class: 'muted' }, 'None: the study would not be registered.'));
    return out;
  }

  // ---------------------------------------------------------------- start

  async function start() {
    byId('login-form').addEventListener('submit', onLoginSubmit);
    byId('logout').addEventListener('click', logOut);
    byId('confirm').addEventListener('click', (event) => {
      // A click on the backdrop (outside the form) cancels.
      if (event.target === byId('confirm')) byId('confirm').close('cancel');
    });
    window.addEventListener('hashchange', () => {
      route();
      byId('main').focus({ preventScroll: true });
    });
    try {
      loggedIn(await api('GET', '/api/v1/session'));
    } catch (e) {
      showLogin(e.status === 401 ? '' : e.message);
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
