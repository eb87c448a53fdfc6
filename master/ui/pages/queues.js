// The job queue tree: priority, weight, minimum and maximum agents and the tasks in each queue;
// operators edit, add and delete queues.

import { can, del, get, patch, post } from '../api.js';
import { act as actThen, fill, h } from '../dom.js';

const number = (value) => (value === '' ? null : Number(value));

export async function render(main) {
  const tree = h('tbody');
  const form = h('div');
  fill(main, h('h1', {}, 'Job queues'),
    h('table', { class: 'list queues', 'aria-label': 'Job queues' },
      h('thead', {}, h('tr', {}, ['Queue', 'Priority', 'Weight', 'Min agents', 'Max agents', 'Jobs', 'Queued', 'Running', 'Done', 'Failed', ''].map((name) => h('th', {}, name)))),
      tree),
    form);

  const act = (label, run) => actThen(label, run, refresh);

  function row(queue, depth, counts) {
    const editable = can('operator');
    const field = (name, attributes = {}) => (editable
      ? h('input', { type: 'number', name, value: queue[name] ?? '', style: 'width:6em', 'aria-label': `${name} of ${queue.name}`, ...attributes })
      : h('span', {}, queue[name] ?? '—'));
    const priority = field('priority', { min: -1000, max: 1000 });
    const weight = field('weight', { min: 1 });
    const minimum = field('minimum_agents', { min: 0 });
    const maximum = field('maximum_agents', { min: 0 });
    return h('tr', { 'data-queue': queue.name },
      h('td', {}, h('span', { class: 'tree-indent', style: `width:${depth * 18}px` }), depth ? '└ ' : '', queue.name),
      h('td', {}, priority), h('td', {}, weight), h('td', {}, minimum), h('td', {}, maximum),
      h('td', { class: 'num' }, queue.jobs),
      h('td', { class: 'num' }, counts?.queued ?? 0),
      h('td', { class: 'num' }, counts?.running ?? 0),
      h('td', { class: 'num' }, counts?.done ?? 0),
      h('td', { class: 'num' }, counts?.failed ?? 0),
      h('td', {}, editable
        ? h('span', { class: 'row' },
          h('button', {
            type: 'button',
            onclick: () => act(`Saved ${queue.name}`, () => patch(`/api/v1/jobqueues/${encodeURIComponent(queue.name)}`, {
              priority: Number(priority.value), weight: Number(weight.value),
              minimum_agents: number(minimum.value), maximum_agents: number(maximum.value),
            })),
          }, 'Save'),
          queue.name === 'root' ? null : h('button', {
            type: 'button', class: 'danger',
            onclick: () => window.confirm(`Delete queue ${queue.name}?`) && act(`Deleted ${queue.name}`, () => del(`/api/v1/jobqueues/${encodeURIComponent(queue.name)}`)),
          }, 'Delete'))
        : null));
  }

  async function refresh() {
    const [queues, counts] = await Promise.all([get('/api/v1/jobqueues'), get('/api/v1/statistics/queues')]);
    const byName = Object.fromEntries(counts.queues.map((queue) => [queue.queue, queue]));
    const children = new Map();
    for (const queue of queues.jobqueues) {
      const key = queue.parent || '';
      if (!children.has(key)) children.set(key, []);
      children.get(key).push(queue);
    }
    const rows = [];
    const walk = (parent, depth) => {
      for (const queue of children.get(parent) || []) {
        rows.push(row(queue, depth, byName[queue.name]));
        walk(queue.name, depth + 1);
      }
    };
    walk('', 0);
    fill(tree, rows);
    if (can('operator') && !form.firstChild) {
      const name = h('input', { name: 'name', required: true, pattern: '[A-Za-z0-9_-]{1,48}', 'aria-label': 'New queue name' });
      const parent = h('select', { name: 'parent', 'aria-label': 'Parent queue' });
      const weight = h('input', { type: 'number', name: 'weight', value: 10, min: 1, 'aria-label': 'Weight', style: 'width:6em' });
      fill(form, h('h2', {}, 'New queue'), h('form', {
        class: 'row',
        onsubmit: (event) => {
          event.preventDefault();
          act(`Created ${name.value}`, () => post('/api/v1/jobqueues', { name: name.value, parent: parent.value, weight: Number(weight.value) }));
        },
      }, h('label', {}, 'Name', name), h('label', {}, 'under', parent), h('label', {}, 'weight', weight),
      h('button', { type: 'submit', class: 'primary' }, 'Add queue')));
    }
    const parentSelect = form.querySelector('select[name=parent]');
    if (parentSelect) {
      const chosen = parentSelect.value || 'root';
      fill(parentSelect, queues.jobqueues.map((queue) => h('option', { value: queue.name, selected: queue.name === chosen }, queue.name)));
    }
  }

  await refresh();
  return { refresh };
}
