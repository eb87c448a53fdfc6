// The agents list: state, resources and tags of every render node, filtered and sorted by the
// server; admins enroll new nodes here (a one-time join token, shown once).

import { can, get, post, query } from '../api.js';
import { badge, fill, h, keyboardRows, megabytes, sortHeader, time, toast } from '../dom.js';

export async function render(main, params) {
  const filters = {
    state: params.get('state') || '',
    tag: params.get('tag') || '',
    hostname: params.get('hostname') || '',
    sort: params.get('sort') || 'hostname',
  };
  const thead = h('thead');
  const tbody = h('tbody');
  keyboardRows(tbody);
  const stateSelect = h('select', { 'aria-label': 'State' },
    ['', 'online', 'running', 'offline', 'disabled', 'pending', 'revoked'].map((state) =>
      h('option', { value: state, selected: state === filters.state }, state || 'all states')));
  const hostname = h('input', { type: 'search', placeholder: 'Host name', value: filters.hostname, 'aria-label': 'Host name' });
  const tag = h('input', { placeholder: 'Tag', value: filters.tag, 'aria-label': 'Tag', size: 10 });
  stateSelect.addEventListener('change', () => { filters.state = stateSelect.value; refresh(); });
  hostname.addEventListener('change', () => { filters.hostname = hostname.value; refresh(); });
  tag.addEventListener('change', () => { filters.tag = tag.value; refresh(); });
  const enrolling = h('div');
  fill(main,
    h('h1', {}, 'Agents'),
    h('div', { class: 'row toolbar' }, hostname, stateSelect, tag,
      h('span', { class: 'spacer' }),
      can('admin') ? h('button', { type: 'button', class: 'primary', onclick: () => drawEnroll() }, 'Enroll a node') : null),
    enrolling,
    h('table', { class: 'list agents', 'aria-label': 'Agents' }, thead, tbody));

  // A form for a new node's name and tags; its answer is the join token, shown this once.
  function drawEnroll() {
    const name = h('input', { name: 'name', placeholder: 'node01', 'aria-label': 'Name' });
    const tags = h('input', { name: 'tags', placeholder: 'linux, gpu', 'aria-label': 'Tags, comma-separated' });
    fill(enrolling, h('div', { class: 'panel' },
      h('h2', {}, 'Enroll a node'),
      h('form', {
        class: 'stack',
        onsubmit: async (event) => {
          event.preventDefault();
          const body = {};
          if (name.value.trim()) body.name = name.value.trim();
          const list = tags.value.split(',').map((tag) => tag.trim()).filter(Boolean);
          if (list.length) body.tags = list;
          try {
            const answer = await post('/api/v1/agents/enroll', body);
            fill(enrolling, h('div', { class: 'panel enrolled' },
              h('h2', {}, 'Join token'),
              h('p', {}, 'Shown only now. It works once, until ', time(answer.expires_at), '. On the node, run:'),
              h('textarea', { class: 'token', readonly: true, 'aria-label': 'Join command' },
                `warren-worker join ${answer.token} --dir /var/lib/warren-worker`),
              h('div', { class: 'row' },
                h('button', { type: 'button', onclick: () => fill(enrolling) }, 'Done'))));
            refresh();
          } catch (error) {
            toast(error.message, 'error');
          }
        },
      },
      h('label', {}, 'Name (until the node says hello)', name),
      h('label', {}, 'Tags (comma-separated; the node\'s own when empty)', tags),
      h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'primary' }, 'Make a join token'),
        h('button', { type: 'button', onclick: () => fill(enrolling) }, 'Cancel')))));
  }

  async function refresh() {
    const answer = await get(`/api/v1/agents${query(filters)}`);
    const onSort = (sort) => { filters.sort = sort; refresh(); };
    fill(thead, h('tr', {},
      sortHeader('Host', 'hostname', filters.sort, onSort),
      sortHeader('State', 'state', filters.sort, onSort),
      sortHeader('CPUs', 'cpus', filters.sort, onSort, { class: 'num' }),
      sortHeader('RAM', 'ram', filters.sort, onSort, { class: 'num' }),
      sortHeader('Free RAM', 'free_ram', filters.sort, onSort, { class: 'num' }),
      sortHeader('Load', 'load', filters.sort, onSort, { class: 'num' }),
      h('th', {}, 'Tags'),
      sortHeader('Last heard from', 'last_heard_from', filters.sort, onSort)));
    fill(tbody, answer.agents.length
      ? answer.agents.map((agent) => h('tr', { tabindex: 0, 'data-href': `#/agents/${agent.id}`, 'data-agent-id': agent.id },
        h('td', {}, h('a', { href: `#/agents/${agent.id}`, tabindex: -1 }, agent.hostname)),
        h('td', {}, badge(agent.state)),
        h('td', { class: 'num' }, agent.cpus),
        h('td', { class: 'num' }, megabytes(agent.ram)),
        h('td', { class: 'num' }, megabytes(agent.free_ram)),
        h('td', { class: 'num' }, agent.load.toFixed(2)),
        h('td', {}, agent.tags.join(', ')),
        h('td', {}, time(agent.last_heard_from))))
      : h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No agents match.')));
  }

  await refresh();
  return { refresh };
}
