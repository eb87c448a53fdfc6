// The jobs list: filter, search and sort on the server, a page at a time; per-job progress; and
// actions on the selected jobs (pause, resume, cancel, rerun, rerun failed, delete, priority,
// queue) for those who may change them.

import { can, canChangeJob, del, get, patch, post, query } from '../api.js';
import { badge, fill, h, keyboardRows, progress, sortHeader, time, toast } from '../dom.js';

const PAGE = 50;
const STATES = ['', 'queued', 'running', 'paused', 'done', 'failed', 'cancelled'];

export async function render(main, params) {
  const filters = {
    state: params.get('state') || '',
    title: params.get('title') || '',
    user: params.get('user') || '',
    queue: params.get('queue') || '',
    sort: params.get('sort') || '-id',
  };
  let cursors = [null];
  let page = 0;
  let jobs = [];
  const selected = new Set();

  const tbody = h('tbody');
  keyboardRows(tbody);
  const thead = h('thead');
  const bulk = h('div', { class: 'bulk row', hidden: true, role: 'region', 'aria-label': 'Actions on selected jobs' });
  const pager = h('div', { class: 'pager row' });
  const queueSelect = h('select', { name: 'queue', 'aria-label': 'Queue' }, h('option', { value: '' }, 'all queues'));
  const search = h('input', { type: 'search', name: 'title', placeholder: 'Search titles', value: filters.title, 'aria-label': 'Search titles' });
  const stateSelect = h('select', { name: 'state', 'aria-label': 'State' },
    STATES.map((state) => h('option', { value: state, selected: state === filters.state }, state || 'all states')));
  const userInput = h('input', { name: 'user', placeholder: 'User', value: filters.user, 'aria-label': 'User', size: 10 });

  let searchTimer = null;
  const restart = () => {
    cursors = [null];
    page = 0;
    selected.clear();
    refresh();
  };
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { filters.title = search.value; restart(); }, 250);
  });
  stateSelect.addEventListener('change', () => { filters.state = stateSelect.value; restart(); });
  userInput.addEventListener('change', () => { filters.user = userInput.value; restart(); });
  queueSelect.addEventListener('change', () => { filters.queue = queueSelect.value; restart(); });

  const table = h('table', { class: 'list jobs', 'aria-label': 'Jobs' }, thead, tbody);
  fill(main,
    h('h1', {}, 'Jobs'),
    h('div', { class: 'row toolbar' }, search, stateSelect, userInput, queueSelect),
    bulk, table, pager);

  try {
    const queues = await get('/api/v1/jobqueues');
    for (const queue of queues.jobqueues) {
      queueSelect.append(h('option', { value: queue.name, selected: queue.name === filters.queue }, queue.name));
    }
  } catch {
    // The filter still works by typing the URL.
  }

  function header() {
    const onSort = (sort) => { filters.sort = sort; restart(); };
    const allBox = h('input', {
      type: 'checkbox', 'aria-label': 'Select every job on this page',
      checked: jobs.length > 0 && jobs.every((job) => selected.has(job.id)),
      onchange: (event) => {
        for (const job of jobs) {
          if (event.target.checked) selected.add(job.id);
          else selected.delete(job.id);
        }
        draw();
      },
    });
    fill(thead, h('tr', {},
      h('th', {}, allBox),
      sortHeader('ID', 'id', filters.sort, onSort, { class: 'num' }),
      sortHeader('State', 'state', filters.sort, onSort),
      sortHeader('Title', 'title', filters.sort, onSort),
      h('th', {}, 'User'),
      h('th', {}, 'Queue'),
      sortHeader('Priority', 'priority', filters.sort, onSort, { class: 'num' }),
      h('th', {}, 'Progress'),
      h('th', {}, 'Submitted')));
  }

  function row(job) {
    const box = h('input', {
      type: 'checkbox', 'aria-label': `Select job ${job.id}`, checked: selected.has(job.id),
      onchange: (event) => {
        if (event.target.checked) selected.add(job.id);
        else selected.delete(job.id);
        drawBulk();
        event.target.closest('tr').classList.toggle('selected', event.target.checked);
      },
    });
    return h('tr', {
      tabindex: 0, 'data-href': `#/jobs/${job.id}`, 'data-job-id': job.id,
      class: selected.has(job.id) ? 'selected' : undefined,
    },
    h('td', {}, box),
    h('td', { class: 'num' }, job.id),
    h('td', {}, badge(job.state)),
    h('td', { class: 'title-cell' }, h('a', { href: `#/jobs/${job.id}`, tabindex: -1 }, job.title)),
    h('td', {}, job.user || '—'),
    h('td', {}, job.queue),
    h('td', { class: 'num' }, job.priority),
    h('td', {}, progress(job)),
    h('td', {}, time(job.time_submitted)));
  }

  function drawBulk() {
    const chosen = jobs.filter((job) => selected.has(job.id));
    const allowed = chosen.filter(canChangeJob);
    if (!can('submitter') || selected.size === 0) {
      bulk.hidden = true;
      return;
    }
    bulk.hidden = false;
    const act = (label, run, attributes = {}) => h('button', {
      type: 'button', ...attributes, disabled: allowed.length === 0,
      onclick: () => apply(label, run),
    }, label);
    const priority = h('input', { type: 'number', min: -1000, max: 1000, value: 0, 'aria-label': 'New priority', style: 'width:6em' });
    const queue = h('select', { 'aria-label': 'Move to queue' },
      [...queueSelect.options].filter((option) => option.value).map((option) => h('option', { value: option.value }, option.value)));
    fill(bulk,
      h('strong', {}, `${selected.size} selected`),
      act('Pause', (id) => post(`/api/v1/jobs/${id}/pause`)),
      act('Resume', (id) => post(`/api/v1/jobs/${id}/resume`)),
      act('Cancel', (id) => post(`/api/v1/jobs/${id}/cancel`)),
      act('Rerun', (id) => post(`/api/v1/jobs/${id}/rerun`)),
      act('Rerun failed', (id) => post(`/api/v1/jobs/${id}/rerun_failed`)),
      act('Delete', (id) => del(`/api/v1/jobs/${id}`), { class: 'danger' }),
      h('span', { class: 'row' }, priority,
        act('Set priority', (id) => patch(`/api/v1/jobs/${id}`, { priority: Number(priority.value) }))),
      h('span', { class: 'row' }, queue,
        act('Move', (id) => patch(`/api/v1/jobs/${id}`, { queue: queue.value }))),
      h('button', { type: 'button', onclick: () => { selected.clear(); draw(); } }, 'Clear'));
  }

  async function apply(label, run) {
    const ids = jobs.filter((job) => selected.has(job.id) && canChangeJob(job)).map((job) => job.id);
    if (label === 'Delete' && !window.confirm(`Delete ${ids.length} jobs and their logs?`)) return;
    const results = await Promise.allSettled(ids.map((id) => run(id)));
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length) toast(`${label}: ${failed.length} of ${ids.length} failed: ${failed[0].reason.message}`, 'error');
    else toast(`${label}: ${ids.length} jobs`);
    if (label === 'Delete') selected.clear();
    await refresh();
  }

  function draw() {
    header();
    fill(tbody, jobs.length ? jobs.map(row) : h('tr', {}, h('td', { colspan: 9, class: 'muted' }, 'No jobs match.')));
    drawBulk();
    fill(pager,
      h('button', { type: 'button', disabled: page === 0, onclick: () => { page -= 1; refresh(); } }, '← Newer'),
      h('span', { class: 'muted' }, `Page ${page + 1}`),
      h('button', { type: 'button', disabled: !cursors[page + 1], onclick: () => { page += 1; refresh(); } }, 'Older →'));
  }

  async function refresh() {
    const answer = await get(`/api/v1/jobs${query({ ...filters, limit: PAGE, cursor: cursors[page] })}`);
    jobs = answer.jobs;
    cursors[page + 1] = answer.next_cursor;
    cursors.length = page + 2;
    const shown = new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
    history.replaceState(null, '', `#/jobs${shown.toString() ? `?${shown}` : ''}`);
    draw();
  }

  await refresh();
  return { refresh };
}
