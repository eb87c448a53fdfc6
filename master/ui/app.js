// The UI's entry point: routes `#/...` to a page, keeps one Server-Sent Events connection to
// `/api/v1/events` and asks the current page to refresh itself when the farm changes.

import { can, goToLogin, post, session, whoAmI } from './api.js';
import { fill, h, toast } from './dom.js';
import * as agent from './pages/agent.js';
import * as agents from './pages/agents.js';
import * as catalog from './pages/catalog.js';
import * as dashboard from './pages/dashboard.js';
import * as job from './pages/job.js';
import * as jobs from './pages/jobs.js';
import * as login from './pages/login.js';
import * as queues from './pages/queues.js';
import * as users from './pages/users.js';
import * as webhooks from './pages/webhooks.js';
import * as deadLetters from './pages/dead_letters.js';

const ROUTES = [
  [/^\/$/, dashboard.render],
  [/^\/jobs$/, jobs.render],
  [/^\/jobs\/(\d+)$/, job.render],
  [/^\/agents$/, agents.render],
  [/^\/agents\/([0-9a-f-]{36})$/, agent.render],
  [/^\/queues$/, queues.render],
  [/^\/jobtypes$/, catalog.renderJobTypes],
  [/^\/software$/, catalog.renderSoftware],
  [/^\/pathmaps$/, catalog.renderPathMaps],
  [/^\/users$/, users.render],
  [/^\/webhooks$/, webhooks.render],
  [/^\/dead-letters$/, deadLetters.render],
];

const main = document.getElementById('main');
let current = null;
/** Counts navigations, so a page that finishes loading after the user moved on is dropped. */
let navigation = 0;
let refreshing = false;
let refreshAgain = false;
let events = null;

/** The hash as a path and its query: `#/jobs?state=running`. */
function location_() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?');
  return { path, params: new URLSearchParams(search) };
}

async function route() {
  const { path, params } = location_();
  const mine = ++navigation;
  if (current && current.leave) current.leave();
  current = null;
  if (path === '/login') {
    showChrome(false);
    closeEvents();
    await login.render(main, params);
    return;
  }
  if (!session.role && !(await whoAmI())) {
    goToLogin();
    return;
  }
  if (mine !== navigation) return;
  showChrome(true);
  openEvents();
  const match = ROUTES.find(([pattern]) => pattern.test(path));
  for (const link of document.querySelectorAll('header.top nav a')) {
    const target = link.getAttribute('href').slice(1);
    const here = target === '/' ? path === '/' : path.startsWith(target);
    if (here) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!match) {
    fill(main, h('h1', {}, 'Not found'), h('p', {}, `Nothing at ${path}.`), h('a', { href: '#/' }, 'Dashboard'));
    return;
  }
  const [pattern, render] = match;
  const captures = path.match(pattern).slice(1);
  fill(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const page = (await render(main, params, ...captures)) || null;
    if (mine !== navigation) {
      if (page && page.leave) page.leave();
      return;
    }
    current = page;
  } catch (error) {
    if (mine === navigation) {
      fill(main, h('h1', {}, 'Cannot show this page'), h('p', { class: 'error-box' }, error.message));
    }
  }
}

async function refresh() {
  if (!current || !current.refresh) return;
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  try {
    await current.refresh();
  } catch (error) {
    if (error.status !== 401) console.warn('refresh failed', error);
  } finally {
    refreshing = false;
    if (refreshAgain) {
      refreshAgain = false;
      refresh();
    }
  }
}

function openEvents() {
  if (events) return;
  const indicator = document.querySelector('header.top .live');
  events = new EventSource('/api/v1/events');
  events.addEventListener('change', () => {
    indicator.textContent = '● live';
    indicator.classList.remove('off');
    refresh();
  });
  events.addEventListener('error', () => {
    indicator.textContent = '○ reconnecting';
    indicator.classList.add('off');
  });
}

function closeEvents() {
  if (events) events.close();
  events = null;
}

function showChrome(visible) {
  const header = document.querySelector('header.top');
  header.hidden = !visible;
  if (!visible) return;
  fill(header.querySelector('.who'), `${session.username} (${session.role})`);
  for (const link of header.querySelectorAll('[data-role]')) {
    link.hidden = !can(link.dataset.role);
  }
  const logout = header.querySelector('.logout');
  logout.hidden = session.auth !== 'session';
}

document.querySelector('header.top .logout').addEventListener('click', async () => {
  try {
    await post('/api/v1/auth/logout');
  } catch (error) {
    toast(error.message, 'error');
  }
  Object.assign(session, { username: null, role: null, csrf: null, auth: null });
  closeEvents();
  location.hash = '#/login';
});

window.addEventListener('hashchange', route);
route();
