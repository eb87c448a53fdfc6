// One job: its facts and progress, actions, its requirements (editable), parents and children, a
// task grid coloured by state (virtualised: only the visible cells exist, fetched a window at a
// time, so a 100,000-task job scrolls as fast as a small one) whose tickboxes select tasks to
// kill, skip, fail or retry, and the selected task's attempts, action history and live log.

import { canChangeJob, del, get, patch, post, query } from '../api.js';
import { badge, duration, fill, h, progress, stateSymbol, time, toast } from '../dom.js';

const CELL_W = 74;
const ROW_H = 38;
const OVERSCAN_ROWS = 3;

export async function render(main, params, jobId) {
  const base = `/api/v1/jobs/${jobId}`;
  let job = await get(base);
  let selectedIndex = params.has('task') ? Number(params.get('task')) : null;
  const tasks = new Map();
  /** Ticked tasks, by id. */
  const ticked = new Set();
  let taskFollow = null;

  const heading = h('h1');
  const facts = h('div', { class: 'panel' });
  const actions = h('div', { class: 'row toolbar', role: 'toolbar', 'aria-label': 'Job actions' });
  const deps = h('div', { class: 'panel' });
  const needs = h('details', { class: 'panel requirements' });
  const taskBar = h('div', { class: 'bulk row', hidden: true, role: 'region', 'aria-label': 'Actions on selected tasks' });
  const gridWrap = h('div', {
    class: 'task-grid-wrap', role: 'grid', tabindex: 0,
    'aria-label': 'Tasks: arrow keys move, Enter shows the task',
  });
  const grid = h('div', { class: 'task-grid', role: 'rowgroup' });
  gridWrap.append(grid);
  const detail = h('div', { class: 'panel task-detail' }, h('p', { class: 'muted' }, 'Select a task to see its attempts and log.'));
  const legend = h('div', { class: 'legend', 'aria-hidden': 'true' },
    ['queued', 'dispatched', 'running', 'done', 'failed', 'paused', 'cancelled'].map(badge));

  fill(main, heading, actions,
    h('div', { class: 'grid2' }, facts, deps),
    needs,
    h('h2', {}, 'Tasks'), legend, taskBar, gridWrap,
    h('h2', {}, 'Task'), detail);

  function drawHeader() {
    fill(heading, `Job ${job.id}: ${job.title}`, badge(job.state), progress(job));
    fill(facts,
      h('dl', { class: 'facts' },
        h('dt', {}, 'User'), h('dd', {}, job.user || '—'),
        h('dt', {}, 'Queue'), h('dd', {}, job.queue),
        h('dt', {}, 'Job type'), h('dd', {}, `${job.jobtype} v${job.jobtype_version}`),
        h('dt', {}, 'Frames'), h('dd', {}, `${job.start}–${job.end} by ${job.by}, ${job.batch} per task (${job.tasks.total} tasks)`),
        h('dt', {}, 'Priority / weight'), h('dd', { 'data-field': 'priority' }, `${job.priority} / ${job.weight}`),
        h('dt', {}, 'Needs'), h('dd', {}, `${job.cpus} CPU, ${job.ram} MB, class ${job.class}`),
        h('dt', {}, 'Submitted'), h('dd', {}, time(job.time_submitted)),
        h('dt', {}, 'Started'), h('dd', {}, time(job.time_started)),
        h('dt', {}, 'Finished'), h('dd', {}, time(job.time_finished)),
        job.blocked_reason ? [h('dt', {}, 'Waiting because'), h('dd', { class: 'blocked' }, job.blocked_reason)] : null,
        job.notes ? [h('dt', {}, 'Notes'), h('dd', {}, job.notes)] : null));
    drawActions();
    drawDeps();
    drawNeeds();
  }

  /** The requirements last drawn: a refresh that does not change them leaves the form (and
   * whatever the user is typing into it) alone. */
  let drawnNeeds = null;

  /** What the job's tasks need and carry, as a form that changes them (PATCH). */
  function drawNeeds() {
    const shown = JSON.stringify([canChangeJob(job), job.cpus, job.ram, job.tag_requirements,
      job.negated_tag_requirements, job.software_requirements, job.limits, job.timeout,
      job.ram_max, job.requeue, job.gpus, job.gpu_ram, job.ram_warning, job.tags, job.environ,
      job.jobtype_version]);
    if (shown === drawnNeeds) return;
    drawnNeeds = shown;
    const open = needs.open;
    const list = (values) => (values || []).join(', ');
    const tagText = [...(job.tag_requirements || []), ...(job.negated_tag_requirements || []).map((tag) => `!${tag}`)];
    const software = (job.software_requirements || []).map((requirement) =>
      `${requirement.software}${requirement.min_version ? `>=${requirement.min_version}` : ''}${requirement.max_version ? `<=${requirement.max_version}` : ''}`);
    const environ = Object.entries(job.environ || {}).map(([name, value]) => `${name}=${value}`).join('\n');
    const fields = [
      ['cpus', 'CPUs per task (-1: whole host)', 'number', job.cpus],
      ['ram', 'RAM per task, MB', 'number', job.ram],
      ['gpus', 'GPUs per task', 'number', job.gpus],
      ['gpu_ram', 'RAM of each GPU, MB (empty: any)', 'number', job.gpu_ram ?? ''],
      ['tag_requirements', 'Agent tags (comma-separated, !tag to exclude)', 'text', list(tagText)],
      ['software_requirements', 'Software (e.g. blender>=4.1)', 'text', list(software)],
      ['limits', 'Limits', 'text', list(job.limits)],
      ['timeout', 'Timeout, s (empty: none)', 'number', job.timeout ?? ''],
      ['ram_max', 'Kill above RAM, MB (empty: none)', 'number', job.ram_max ?? ''],
      ['ram_warning', 'Warn above RAM, MB (empty: none)', 'number', job.ram_warning ?? ''],
      ['requeue', 'Retries (-1: forever)', 'number', job.requeue],
      ['jobtype_version', 'Job type version', 'number', job.jobtype_version],
      ['tags', 'Job tags (comma-separated)', 'text', list(job.tags)],
      ['environ', 'Environment (NAME=value, one per line)', 'textarea', environ],
    ];
    const inputs = new Map();
    const rows = fields.map(([name, label, type, value]) => {
      const input = type === 'textarea'
        ? h('textarea', { name, rows: '3', 'aria-label': label })
        : h('input', { type, name, value: String(value), 'aria-label': label });
      if (type === 'textarea') input.value = String(value);
      inputs.set(name, { input, initial: String(value) });
      return h('label', { class: 'field' }, h('span', {}, label), input);
    });
    /** `NAME=value` lines as an object; a line without `=` is refused. */
    const environment = (text) => {
      const pairs = {};
      for (const line of text.split('\n').map((part) => part.trim()).filter(Boolean)) {
        const at = line.indexOf('=');
        if (at < 1) throw new Error(`environment: "${line}" is not NAME=value`);
        pairs[line.slice(0, at)] = line.slice(at + 1);
      }
      return pairs;
    };
    const restart = h('input', { type: 'checkbox', name: 'restart_running', 'aria-label': 'Restart running tasks' });
    const split = (text) => text.split(',').map((part) => part.trim()).filter(Boolean);
    const save = h('button', {
      type: 'button',
      onclick: async () => {
        const body = {};
        try {
          for (const [name, { input, initial }] of inputs) {
            if (input.value === initial) continue;
            const text = input.value.trim();
            if (['tag_requirements', 'software_requirements', 'limits', 'tags'].includes(name)) body[name] = split(text);
            else if (name === 'environ') body[name] = environment(text);
            else if (['timeout', 'ram_max', 'ram_warning', 'gpu_ram'].includes(name)) body[name] = text === '' ? null : Number(text);
            else body[name] = Number(text);
          }
        } catch (error) {
          toast(`Requirements: ${error.message}`, 'error');
          return;
        }
        if (Object.keys(body).length === 0) {
          toast('Nothing changed');
          return;
        }
        if (restart.checked) body.restart_running = true;
        try {
          await patch(base, body);
          toast(`Requirements of job ${job.id} changed`);
          await refresh();
        } catch (error) {
          toast(`Requirements: ${error.message}`, 'error');
        }
      },
    }, 'Save requirements');
    const summary = h('summary', {}, `Requirements: ${job.cpus} CPU, ${job.ram} MB${tagText.length ? `, tags ${list(tagText)}` : ''}${software.length ? `, ${list(software)}` : ''}`);
    if (!canChangeJob(job)) {
      fill(needs, summary, h('p', { class: 'muted' },
        `Limits: ${list(job.limits) || 'none'}; timeout: ${job.timeout ?? 'none'}; retries: ${job.requeue}.`));
      return;
    }
    fill(needs, summary,
      h('div', { class: 'form-grid' }, rows),
      h('div', { class: 'row' },
        h('label', { class: 'row' }, restart, 'Restart running tasks with the change'),
        save,
        h('span', { class: 'muted' }, 'Tasks already published are withdrawn and published again.')));
    needs.open = open;
  }

  /** The bar of actions on the ticked tasks. */
  /** The task bar's note and agent to avoid, kept across redraws (a refresh must not drop what
   * the user typed or picked). */
  const note = h('input', { type: 'text', placeholder: 'note (optional)', 'aria-label': 'Note', style: 'width:14em' });
  const avoid = h('select', { 'aria-label': 'Retry avoiding agent' });
  let avoidAgents = null;

  function drawTaskBar() {
    if (!canChangeJob(job) || ticked.size === 0) {
      taskBar.hidden = true;
      return;
    }
    taskBar.hidden = false;
    const agents = [...new Set([...tasks.values()].filter((task) => ticked.has(task.id))
      .map((task) => task.agent_id).filter(Boolean))];
    if (agents.join() !== avoidAgents) {
      const chosen = avoid.value;
      avoidAgents = agents.join();
      fill(avoid, h('option', { value: '' }, 'retry on any agent'),
        agents.map((agent) => h('option', { value: agent }, `retry avoiding ${agent.slice(0, 8)}`)));
      if (agents.includes(chosen)) avoid.value = chosen;
    }
    const run = (label, action) => h('button', {
      type: 'button',
      onclick: async () => {
        try {
          const body = { action, tasks: [...ticked], note: note.value };
          if (action === 'retry' && avoid.value) body.avoid_agent = avoid.value;
          const answer = await post(`${base}/tasks/actions`, body);
          const left = answer.unchanged.length ? `; ${answer.unchanged.length} left alone (${answer.unchanged[0].reason})` : '';
          toast(`${label}: ${answer.changed.length} task(s)${left}`);
          ticked.clear();
          note.value = '';
          avoid.value = '';
          await refresh();
        } catch (error) {
          toast(`${label}: ${error.message}`, 'error');
        }
      },
    }, label);
    fill(taskBar,
      h('strong', {}, `${ticked.size} selected`),
      run('Kill', 'kill'), run('Skip', 'skip'), run('Mark failed', 'fail'), run('Retry', 'retry'),
      avoid, note,
      h('button', { type: 'button', onclick: () => { ticked.clear(); drawGrid(); drawTaskBar(); } }, 'Clear'));
  }

  function drawActions() {
    if (!canChangeJob(job)) {
      fill(actions);
      return;
    }
    const act = (label, run, attributes = {}) => h('button', {
      type: 'button', ...attributes,
      onclick: async () => {
        try {
          await run();
          toast(`${label}: job ${job.id}`);
          await refresh();
        } catch (error) {
          toast(`${label}: ${error.message}`, 'error');
        }
      },
    }, label);
    const paused = job.state === 'paused';
    const over = ['done', 'failed', 'cancelled'].includes(job.state);
    const priority = h('input', { type: 'number', min: -1000, max: 1000, value: job.priority, 'aria-label': 'Priority', style: 'width:6em' });
    fill(actions,
      paused
        ? act('Resume', () => post(`${base}/resume`))
        : act('Pause', () => post(`${base}/pause`), { disabled: over }),
      act('Cancel', () => post(`${base}/cancel`), { disabled: over }),
      act('Rerun', () => post(`${base}/rerun`)),
      act('Rerun failed', () => post(`${base}/rerun_failed`), { disabled: !job.tasks.failed }),
      h('span', { class: 'row' }, priority, act('Set priority', () => patch(base, { priority: Number(priority.value) }))),
      h('span', { class: 'spacer' }),
      h('button', {
        type: 'button', class: 'danger',
        onclick: async () => {
          if (!window.confirm(`Delete job ${job.id} and its logs?`)) return;
          try {
            await del(base);
            toast(`Deleted job ${job.id}`);
            location.hash = '#/jobs';
          } catch (error) {
            toast(error.message, 'error');
          }
        },
      }, 'Delete'));
  }

  function drawDeps() {
    const node = (id, self = false) => h('div', { class: `node${self ? ' self' : ''}` },
      self ? `Job ${id}` : h('a', { href: `#/jobs/${id}` }, `Job ${id}`));
    const parents = job.parents || [];
    if (job.depends_on && !parents.includes(job.depends_on.job)) parents.push(job.depends_on.job);
    const children = job.children || [];
    fill(deps,
      h('h2', {}, 'Dependencies'),
      parents.length || children.length
        ? h('div', { class: 'deps', role: 'img', 'aria-label': `Parents ${parents.join(', ') || 'none'}; children ${children.join(', ') || 'none'}` },
          h('div', { class: 'col' }, parents.length ? parents.map((id) => node(id)) : h('span', { class: 'muted' }, 'no parents')),
          h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
          h('div', { class: 'col' }, node(job.id, true)),
          h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
          h('div', { class: 'col' }, children.length ? children.map((id) => node(id)) : h('span', { class: 'muted' }, 'no children')))
        : h('p', { class: 'muted' }, 'No parents and no children.'));
  }

  // The task grid.
  const total = () => job.tasks.total;
  const columns = () => Math.max(1, Math.floor((gridWrap.clientWidth - 8) / CELL_W));

  function visibleRange() {
    const cols = columns();
    const firstRow = Math.max(0, Math.floor(gridWrap.scrollTop / ROW_H) - OVERSCAN_ROWS);
    const lastRow = Math.ceil((gridWrap.scrollTop + gridWrap.clientHeight) / ROW_H) + OVERSCAN_ROWS;
    return [firstRow * cols, Math.min(total(), (lastRow + 1) * cols)];
  }

  function label(task) {
    if (!task) return '…';
    const frames = task.frame_first === task.frame_last ? `${task.frame_first}` : `${task.frame_first}–${task.frame_last}`;
    return task.tile !== null && task.tile !== undefined ? `${frames} t${task.tile}` : frames;
  }

  /** One mark per frame of a batch, coloured by the frame's state. */
  function frameStrip(task) {
    const done = task.frame_states.filter((state) => state === 'done').length;
    return h('div', { class: 'frames', role: 'img', 'aria-label': `Frames of task ${task.id}: ${done} of ${task.frames.length} done` },
      task.frame_states.map((state, at) => h('span', { class: `frame ${state}`, 'data-frame': task.frames[at] })));
  }

  function drawGrid() {
    const cols = columns();
    grid.style.height = `${Math.ceil(total() / cols) * ROW_H}px`;
    const [start, end] = visibleRange();
    const cells = [];
    for (let index = start; index < end; index += 1) {
      const task = tasks.get(index);
      const state = task ? task.state : 'loading';
      const cell = h('div', {
        class: `task-cell ${state}`, role: 'gridcell', 'data-index': index, 'data-state': state,
        'aria-selected': index === selectedIndex ? 'true' : 'false',
        title: task ? `Frames ${label(task)}: ${state}${task.agent_id ? ` on ${task.agent_id}` : ''}, attempt ${task.attempts}` : 'loading',
        style: `left:${4 + (index % cols) * CELL_W}px;top:${4 + Math.floor(index / cols) * ROW_H}px`,
        onclick: () => select(index),
      },
      task && canChangeJob(job)
        ? h('input', {
          type: 'checkbox', class: 'tick', 'aria-label': `Select task ${task.id}`, checked: ticked.has(task.id),
          onclick: (event) => event.stopPropagation(),
          onchange: (event) => {
            if (event.target.checked) ticked.add(task.id);
            else ticked.delete(task.id);
            drawTaskBar();
          },
        })
        : null,
      h('span', { class: 'sym', 'aria-hidden': 'true' }, task ? stateSymbol(state) : ''),
      h('span', {}, label(task)),
      h('br'),
      h('span', { class: 'state-name' }, task ? state : ''),
      task && task.frames.length > 1 ? frameStrip(task) : null);
      cells.push(cell);
    }
    fill(grid, cells);
  }

  let fetching = null;
  async function loadVisible(force = false) {
    const [start, end] = visibleRange();
    let first = start;
    while (!force && first < end && tasks.has(first)) first += 1;
    if (first >= end) {
      drawGrid();
      return;
    }
    const key = `${first}:${end}`;
    if (fetching === key && !force) return;
    fetching = key;
    const answer = await get(`${base}/tasks${query({ cursor: first > 0 ? first - 1 : undefined, limit: Math.max(1, end - first) })}`);
    for (const task of answer.tasks) tasks.set(task.index, task);
    fetching = null;
    drawGrid();
  }

  let scrollPending = false;
  gridWrap.addEventListener('scroll', () => {
    if (scrollPending) return;
    scrollPending = true;
    requestAnimationFrame(() => {
      scrollPending = false;
      drawGrid();
      loadVisible();
    });
  });
  const resize = new ResizeObserver(() => { drawGrid(); loadVisible(); });
  resize.observe(gridWrap);

  gridWrap.addEventListener('keydown', (event) => {
    const cols = columns();
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, Home: -Infinity, End: Infinity };
    if (event.key in moves) {
      const from = selectedIndex ?? 0;
      let to = from + moves[event.key];
      if (!Number.isFinite(to)) to = to > 0 ? total() - 1 : 0;
      to = Math.min(total() - 1, Math.max(0, to));
      event.preventDefault();
      select(to, { scroll: true });
    } else if (event.key === 'Enter' && selectedIndex !== null) {
      select(selectedIndex);
    }
  });

  async function select(index, { scroll = false } = {}) {
    selectedIndex = index;
    if (scroll) {
      const top = Math.floor(index / columns()) * ROW_H;
      if (top < gridWrap.scrollTop || top + ROW_H > gridWrap.scrollTop + gridWrap.clientHeight) {
        gridWrap.scrollTop = top - ROW_H;
      }
    }
    history.replaceState(null, '', `#/jobs/${job.id}?task=${index}`);
    drawGrid();
    await loadVisible();
    await showTask();
  }

  // The selected task.
  let shownAttempt = null;
  async function showTask(refreshOnly = false) {
    if (selectedIndex === null) return;
    let task = tasks.get(selectedIndex);
    if (!task) {
      const answer = await get(`${base}/tasks${query({ cursor: selectedIndex > 0 ? selectedIndex - 1 : undefined, limit: 1 })}`);
      task = answer.tasks[0];
      if (!task) return;
      tasks.set(task.index, task);
    }
    const [attempts, single, actionLog] = await Promise.all([
      get(`${base}/tasks/${task.id}/attempts`),
      get(`${base}/tasks/${task.id}`),
      get(`${base}/tasks/${task.id}/actions`),
    ]);
    const latest = task.attempts;
    const info = h('dl', { class: 'facts' },
      h('dt', {}, 'Task'), h('dd', {}, `${task.id} (index ${task.index})`),
      h('dt', {}, 'Frames'), h('dd', {}, label(task)),
      (single.frames || []).length > 1
        ? [h('dt', {}, 'Frame states'), h('dd', { class: 'frame-states', 'data-field': 'frame-states' },
          single.frames.map((frame, at) => h('span', {
            class: `frame ${single.frame_states[at]}`, title: `Frame ${frame}: ${single.frame_states[at]}`,
          }, `${frame} ${stateSymbol(single.frame_states[at])} `)))]
        : null,
      h('dt', {}, 'State'), h('dd', { 'data-field': 'task-state' }, badge(task.state)),
      h('dt', {}, 'Agent'), h('dd', {}, task.agent_id ? h('a', { href: `#/agents/${task.agent_id}` }, task.agent_id) : '—'),
      h('dt', {}, 'Attempts'), h('dd', { title: 'Declined: given back unstarted by agents the task must avoid' },
        `${task.attempts - task.declines} (${task.failures} failed)${task.declines ? `, ${task.declines} declined` : ''}`),
      h('dt', {}, 'Time'), h('dd', {}, task.time_started ? duration(task.time_started, task.time_finished) : '—'),
      h('dt', {}, 'Started'), h('dd', {}, time(task.time_started)),
      h('dt', {}, 'Finished'), h('dd', {}, time(task.time_finished)),
      single.waiting_reason ? [h('dt', {}, 'Waiting'), h('dd', { 'data-field': 'task-waiting' }, single.waiting_reason)] : null,
      task.last_error ? [h('dt', {}, 'Error'), h('dd', { class: 'error-box' }, task.last_error)] : null,
      task.peak_rss_mb ? [h('dt', {}, 'Peak memory'), h('dd', {}, `${task.peak_rss_mb} MB`)] : null);
    const history_ = h('table', { class: 'list', 'aria-label': 'Attempts' },
      h('thead', {}, h('tr', {}, ['#', 'State', 'Agent', 'Exit', 'Error', 'Started', 'Finished'].map((name) => h('th', {}, name)))),
      h('tbody', {}, attempts.attempts.map((attempt) => h('tr', {},
        h('td', {}, attempt.attempt),
        h('td', {}, attempt.state),
        h('td', {}, attempt.agent_id ? h('a', { href: `#/agents/${attempt.agent_id}` }, attempt.agent_id.slice(0, 8)) : '—'),
        h('td', {}, attempt.exit_code ?? '—'),
        h('td', {}, attempt.error || ''),
        h('td', {}, time(attempt.time_started)),
        h('td', {}, time(attempt.time_finished))))));
    const done = actionLog.actions.length
      ? h('ul', { class: 'task-history', 'aria-label': 'Actions on this task' },
        actionLog.actions.map((entry) => h('li', {},
          `${time(entry.time)}: ${entry.action} by ${entry.actor}${entry.note ? ` (${entry.note})` : ''}`)))
      : null;
    const rerun = canChangeJob(job)
      ? h('button', {
        type: 'button',
        onclick: async () => {
          try {
            await post(`${base}/tasks/${task.id}/rerun`);
            toast(`Task ${task.id} queued again`);
            await refresh();
          } catch (error) {
            toast(error.message, 'error');
          }
        },
      }, 'Rerun task')
      : null;
    if (refreshOnly && shownAttempt === latest) {
      fill(detail.querySelector('.task-info'), info);
      fill(detail.querySelector('.task-attempts'), history_, done);
      return;
    }
    const log = h('pre', { class: 'log', tabindex: 0, 'aria-label': 'Log', 'aria-live': 'off' });
    fill(detail,
      h('div', { class: 'grid2' },
        h('div', {}, h('div', { class: 'task-info' }, info), rerun),
        h('div', { class: 'task-attempts' }, history_, done)),
      h('h2', {}, `Log of attempt ${latest || '—'}`, task.state === 'running' ? h('span', { class: 'muted' }, ' (following)') : null),
      log);
    shownAttempt = latest;
    showLog(task, latest, log);
  }

  function showLog(task, attempt, log) {
    if (taskFollow) taskFollow.close();
    taskFollow = null;
    if (!attempt) {
      fill(log, 'No attempt yet.');
      return;
    }
    const url = `${base}/tasks/${task.id}/log`;
    if (task.state === 'running' || task.state === 'dispatched') {
      fill(log);
      taskFollow = new EventSource(`${url}?follow=true&attempt=${attempt}`);
      taskFollow.addEventListener('line', (event) => {
        const line = JSON.parse(event.data);
        const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
        log.append(h('span', { class: line.stream, 'data-line': line.line }, `${line.message}\n`));
        if (atBottom) log.scrollTop = log.scrollHeight;
      });
      taskFollow.addEventListener('end', () => {
        if (taskFollow) taskFollow.close();
        taskFollow = null;
      });
      return;
    }
    fetch(`${url}?attempt=${attempt}`, { credentials: 'same-origin' })
      .then((response) => (response.ok ? response.text() : response.json().then((body) => body.error)))
      .then((text) => fill(log, text || '(empty)'))
      .catch((error) => fill(log, error.message));
  }

  async function refresh() {
    job = await get(base);
    drawHeader();
    drawTaskBar();
    tasks.clear();
    await loadVisible(true);
    if (selectedIndex !== null) await showTask(true);
  }

  drawHeader();
  drawGrid();
  drawTaskBar();
  await loadVisible(true);
  if (selectedIndex !== null) await showTask();
  return {
    refresh,
    leave() {
      resize.disconnect();
      if (taskFollow) taskFollow.close();
    },
  };
}
