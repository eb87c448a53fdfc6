// One agent: resources, the tasks it runs, editable tags and notes, enable and disable, revoke,
// and its free RAM and load over time.

import { can, del, get, patch, post } from '../api.js';
import { lineChart } from '../chart.js';
import { act as actThen, badge, fill, h, megabytes, time, toast } from '../dom.js';

export async function render(main, params, agentId) {
  const base = `/api/v1/agents/${agentId}`;
  const heading = h('h1');
  const actions = h('div', { class: 'row toolbar', role: 'toolbar', 'aria-label': 'Agent actions' });
  const facts = h('div', { class: 'panel' });
  const editing = h('div', { class: 'panel' });
  const running = h('div', { class: 'panel' });
  const charts = h('div', { class: 'panel' });
  fill(main, heading, actions, h('div', { class: 'grid2' }, facts, editing), h('div', { class: 'grid2' }, running, charts));
  let editorsDrawn = false;

  const act = (label, run) => actThen(label, run, refresh);

  function drawEditors(agent) {
    if (!can('operator')) {
      fill(editing, h('h2', {}, 'Tags and notes'),
        h('p', {}, agent.tags.length ? agent.tags.join(', ') : h('span', { class: 'muted' }, 'no tags')),
        h('p', {}, agent.notes || h('span', { class: 'muted' }, 'no notes')));
      return;
    }
    if (editorsDrawn) return;
    editorsDrawn = true;
    const tags = h('input', { name: 'tags', value: agent.tags.join(', '), 'aria-label': 'Tags, comma-separated' });
    const notes = h('textarea', { name: 'notes', 'aria-label': 'Notes' }, agent.notes);
    fill(editing,
      h('h2', {}, 'Tags and notes'),
      h('form', {
        class: 'stack',
        onsubmit: (event) => {
          event.preventDefault();
          const list = tags.value.split(',').map((tag) => tag.trim()).filter(Boolean);
          act('Saved', () => patch(base, { tags: list, notes: notes.value }));
        },
      },
      h('label', {}, 'Tags (comma-separated)', tags),
      h('label', {}, 'Notes', notes),
      h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'primary' }, 'Save'),
        agent.tags_overridden
          ? h('button', { type: 'button', onclick: () => act('Tags reset to the worker\'s own', () => patch(base, { tags: null })) }, 'Use the worker\'s own tags')
          : null)));
  }

  async function refresh() {
    const [agent, tasks, samples] = await Promise.all([
      get(base),
      get(`${base}/tasks?state=running`),
      get(`${base}/statistics?hours=6`),
    ]);
    fill(heading, agent.hostname, badge(agent.state));
    fill(actions, can('operator')
      ? [
        agent.disabled
          ? h('button', { type: 'button', class: 'primary', onclick: () => act('Enabled', () => patch(base, { disabled: false })) }, 'Enable')
          : h('button', { type: 'button', onclick: () => act('Disabled', () => patch(base, { disabled: true })) }, 'Disable'),
        h('button', { type: 'button', onclick: () => act('Software check requested', () => post(`${base}/check-software`)) }, 'Check software'),
        ['online', 'running'].includes(agent.state)
          ? h('button', {
            type: 'button',
            title: 'Drain, let running tasks finish, then run the worker binary on disk again (an upgrade when it was replaced)',
            onclick: () => act('Restart requested', () => post('/api/v1/agents/restart', { agents: [agent.id] })),
          }, 'Restart')
          : null,
        h('span', { class: 'spacer' }),
        can('admin') && agent.state !== 'revoked'
          ? h('button', {
            type: 'button', class: 'danger',
            onclick: () => {
              if (!window.confirm(`Revoke ${agent.hostname}? It can no longer reach the farm; its running tasks run again elsewhere.`)) return;
              act('Revoked', () => post(`${base}/revoke`));
            },
          }, 'Revoke')
          : null,
        ['offline', 'revoked', 'pending'].includes(agent.state)
          ? h('button', {
            type: 'button', class: 'danger',
            onclick: async () => {
              if (!window.confirm(`Forget ${agent.hostname}?`)) return;
              try {
                await del(base);
                location.hash = '#/agents';
              } catch (error) {
                toast(error.message, 'error');
              }
            },
          }, 'Forget agent')
          : null,
      ]
      : []);
    const software = Object.entries(agent.software || {}).map(([name, versions]) => `${name} ${versions.join(', ')}`);
    fill(facts,
      h('dl', { class: 'facts' },
        h('dt', {}, 'Id'), h('dd', {}, agent.id),
        h('dt', {}, 'System'), h('dd', {}, `${agent.os_name} (${agent.os})`),
        h('dt', {}, 'CPU'), h('dd', {}, `${agent.cpus} × ${agent.cpu_name}`),
        h('dt', {}, 'RAM'), h('dd', {}, `${megabytes(agent.free_ram)} free of ${megabytes(agent.ram)}`),
        h('dt', {}, 'Load'), h('dd', {}, agent.load.toFixed(2)),
        h('dt', {}, 'GPUs'), h('dd', {}, (agent.gpus || []).join(', ') || '—'),
        h('dt', {}, 'Disks'), h('dd', {}, (agent.disks || []).map((disk) => `${disk.mount}: ${megabytes(disk.free_mb)} free`).join('; ') || '—'),
        h('dt', {}, 'Addresses'), h('dd', {}, (agent.addresses || []).join(', ')),
        h('dt', {}, 'Software'), h('dd', {}, software.join('; ') || '—'),
        h('dt', {}, 'Version'), h('dd', {}, agent.version),
        h('dt', {}, 'Last heard from'), h('dd', {}, time(agent.last_heard_from))));
    drawEditors(agent);
    fill(running,
      h('h2', {}, `Running tasks (${tasks.tasks.length})`),
      tasks.tasks.length
        ? h('ul', {}, tasks.tasks.map((task) => h('li', {},
          h('a', { href: `#/jobs/${task.job_id}` }, `job ${task.job_id}`), `, task ${task.id}, frames ${task.frame_first}–${task.frame_last}, since `, time(task.time_started))))
        : h('p', { class: 'muted' }, 'Idle.'));
    fill(charts,
      h('h2', {}, 'Free RAM and load, last 6 hours'),
      lineChart('Free RAM (MB)', [{ label: 'free RAM, MB', color: '#0072b2', points: samples.samples.map((s) => [new Date(s.time), s.free_ram]) }]),
      lineChart('Load and running tasks', [
        { label: 'load', color: '#d55e00', points: samples.samples.map((s) => [new Date(s.time), s.load]) },
        { label: 'running tasks', color: '#009e73', points: samples.samples.map((s) => [new Date(s.time), s.running_tasks]) },
      ]));
  }

  await refresh();
  return { refresh };
}
