// Small helpers to build the DOM and show Warren's values: states with a symbol and a name as
// well as a colour, progress bars, and times in the browser's time zone.

/** Build an element: h('a', {href: '#/'}, 'text', child). `on*` attributes are listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name === 'style') {
      // Through the CSSOM: the content security policy refuses inline `style` attributes.
      element.style.cssText = String(value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

const SYMBOLS = {
  queued: '○', dispatched: '◔', running: '▶', done: '✓', failed: '✗', paused: '‖',
  cancelled: '⊘', online: '●', offline: '○', disabled: '⊘', pending: '◌', revoked: '⊗',
};

/** A state as a coloured badge with its symbol and name. */
export function badge(state) {
  return h('span', { class: `badge ${state}`, 'data-state': state },
    h('span', { class: 'sym', 'aria-hidden': 'true' }, SYMBOLS[state] || '•'), state);
}

export function stateSymbol(state) {
  return SYMBOLS[state] || '•';
}

/** A job's progress: done, running, failed and paused shares of its tasks, with counts. */
export function progress(job) {
  const tasks = job.tasks || {};
  const total = Math.max(1, tasks.total || 0);
  const share = (n) => `${((100 * (n || 0)) / total).toFixed(2)}%`;
  const queued = (tasks.queued || 0) + (tasks.dispatched || 0);
  const percent = Math.round(100 * (job.progress ?? (tasks.done || 0) / total));
  return h('div', { class: 'progress-cell' },
    h('div', {
      class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100,
      'aria-valuenow': percent, 'aria-label': `${percent}% done`, 'data-percent': percent,
    },
    h('span', { class: 'done', style: `width:${share(tasks.done)}` }),
    h('span', { class: 'running', style: `width:${share(tasks.running)}` }),
    h('span', { class: 'failed', style: `width:${share(tasks.failed)}` }),
    h('span', { class: 'paused', style: `width:${share(tasks.paused)}` })),
    h('span', { class: 'counts' },
      `${percent}% · ✓${tasks.done || 0} ▶${tasks.running || 0} ✗${tasks.failed || 0} ○${queued}`));
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** An RFC 3339 time in the browser's time zone, in a <time> element. */
export function time(value) {
  if (!value) return h('span', { class: 'muted' }, '—');
  const date = new Date(value);
  return h('time', { datetime: value, title: value }, dateTime.format(date));
}

export function clock(value) {
  return timeOnly.format(new Date(value));
}

/** Seconds between two RFC 3339 times (or until now) as `1h 02m 03s`. */
export function duration(start, end) {
  if (!start) return '—';
  let seconds = Math.max(0, Math.round(((end ? new Date(end) : new Date()) - new Date(start)) / 1000));
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const pad = (n) => String(n).padStart(2, '0');
  if (hours) return `${hours}h ${pad(minutes)}m ${pad(seconds)}s`;
  if (minutes) return `${minutes}m ${pad(seconds)}s`;
  return `${seconds}s`;
}

export function megabytes(mb) {
  if (mb === undefined || mb === null) return '—';
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${mb} MB`;
}

/** A short message in the corner; errors stay longer. */
export function toast(message, kind = 'info') {
  const box = document.querySelector('.toasts');
  const item = h('div', { class: `toast ${kind}` }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 3500);
}

/**
 * Run a change, say how it went, then redraw with `after` (the page's refresh): the one way
 * pages carry out a user's action.
 */
export async function act(label, run, after) {
  try {
    await run();
    toast(label);
    if (after) await after();
  } catch (error) {
    toast(`${label}: ${error.message}`, 'error');
  }
}

/**
 * Arrow keys move between a table's rows, Enter opens the focused one and Space toggles its
 * checkbox. Rows need tabindex and, to open, a data-href.
 */
export function keyboardRows(tbody) {
  tbody.addEventListener('keydown', (event) => {
    const row = event.target.closest('tr');
    if (!row || event.target !== row) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const next = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
      if (next) next.focus();
      event.preventDefault();
    } else if (event.key === 'Enter' && row.dataset.href) {
      location.hash = row.dataset.href;
    } else if (event.key === ' ') {
      const box = row.querySelector('input[type=checkbox]');
      if (box) {
        box.checked = !box.checked;
        box.dispatchEvent(new Event('change', { bubbles: true }));
      }
      event.preventDefault();
    }
  });
}

/** Make a column header a sort button: clicking toggles ascending and descending. */
export function sortHeader(label, key, current, onSort, attributes = {}) {
  const active = current.replace(/^-/, '') === key;
  const descending = current.startsWith('-');
  const arrow = active ? (descending ? ' ▼' : ' ▲') : '';
  const sort = active ? (descending ? 'ascending' : 'descending') : 'none';
  return h('th', { ...attributes, 'aria-sort': active ? sort : undefined },
    h('button', {
      type: 'button', class: 'sort',
      onclick: () => onSort(active && !descending ? `-${key}` : key),
    }, label + arrow));
}
