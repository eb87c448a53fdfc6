// The dashboard: agents by state, tasks by state per queue, throughput over the last hours, the
// depth of the farm's RabbitMQ queues, and the autoscalers with their latest decisions.

import { get } from '../api.js';
import { lineChart } from '../chart.js';
import { badge, fill, h, time } from '../dom.js';

const AGENT_STATES = ['online', 'running', 'offline', 'disabled'];
const HOURS = 6;

export async function render(main) {
  const agents = h('div', { class: 'panel', 'aria-labelledby': 'agents-heading' });
  const queues = h('div', { class: 'panel' });
  const throughput = h('div', { class: 'panel' });
  const broker = h('div', { class: 'panel' });
  const scaling = h('div', { class: 'panel', 'aria-labelledby': 'scaling-heading' });
  fill(main,
    h('h1', {}, 'Dashboard'),
    h('div', { class: 'grid2' }, agents, queues),
    h('div', { class: 'grid2' }, throughput, broker),
    scaling);

  async function refresh() {
    const [agentList, queueCounts, samples, agentSamples] = await Promise.all([
      get('/api/v1/agents'),
      get('/api/v1/statistics/queues'),
      get(`/api/v1/statistics/tasks?hours=${HOURS}`),
      get(`/api/v1/statistics/agents?hours=${HOURS}`),
    ]);
    const byState = Object.fromEntries(AGENT_STATES.map((state) => [state, 0]));
    for (const agent of agentList.agents) byState[agent.state] = (byState[agent.state] || 0) + 1;
    fill(agents,
      h('h2', { id: 'agents-heading' }, `Agents (${agentList.agents.length})`),
      h('table', { class: 'list', 'aria-label': 'Agents by state' },
        h('tbody', {}, AGENT_STATES.map((state) => h('tr', {},
          h('td', {}, badge(state)),
          h('td', { class: 'num', 'data-agent-state': state }, byState[state]))))),
      lineChart('Agents running and online', [
        { label: 'running', color: '#0072b2', points: agentSamples.samples.map((s) => [new Date(s.time), s.running]) },
        { label: 'online', color: '#009e73', points: agentSamples.samples.map((s) => [new Date(s.time), s.online]) },
      ]),
      h('p', {}, h('a', { href: '#/agents' }, 'All agents')));

    fill(queues,
      h('h2', {}, 'Tasks by queue'),
      h('table', { class: 'list', 'aria-label': 'Tasks by state per queue' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Queue'),
          ['queued', 'running', 'done', 'failed', 'paused', 'cancelled'].map((state) => h('th', { class: 'num' }, badge(state))))),
        h('tbody', {}, queueCounts.queues.map((queue) => h('tr', {},
          h('td', {}, queue.queue),
          ['queued', 'running', 'done', 'failed', 'paused', 'cancelled'].map((state) =>
            h('td', { class: 'num' }, queue[state])))))));

    const perTime = new Map();
    for (const sample of samples.samples) {
      const entry = perTime.get(sample.time) || { done: 0, failed: 0 };
      entry.done += sample.finished_done;
      entry.failed += sample.finished_failed;
      perTime.set(sample.time, entry);
    }
    const points = [...perTime.entries()].map(([when, counts]) => [new Date(when), counts]);
    const finished = points.reduce((sum, [, counts]) => sum + counts.done, 0);
    fill(throughput,
      h('h2', {}, `Throughput, last ${HOURS} hours`),
      lineChart('Tasks finished per sample', [
        { label: 'done', color: '#009e73', points: points.map(([when, counts]) => [when, counts.done]) },
        { label: 'failed', color: '#d55e00', points: points.map(([when, counts]) => [when, counts.failed]) },
      ]),
      h('p', { class: 'muted' }, `${finished} tasks done in the last ${HOURS} hours.`));

    const [autoscalers, decisions] = await Promise.all([
      get('/api/v1/autoscalers'),
      get('/api/v1/scaling-events?limit=20'),
    ]);
    fill(scaling,
      h('h2', { id: 'scaling-heading' }, 'Autoscaling'),
      autoscalers.autoscalers.length
        ? h('table', { class: 'list', 'aria-label': 'Autoscalers' },
          h('thead', {}, h('tr', {}, ['Queue', 'Provider', 'Nodes (min–max)', 'Running'].map((name) => h('th', {}, name)))),
          h('tbody', {}, autoscalers.autoscalers.map((scaler) => h('tr', {},
            h('td', {}, scaler.queue), h('td', {}, scaler.provider + (scaler.enabled ? '' : ' (disabled)')),
            h('td', { class: 'num' }, `${scaler.nodes.length} (${scaler.min_nodes}–${scaler.max_nodes})`),
            h('td', {}, scaler.nodes.map((node) => `${node.name} (${node.state})`).join(', ') || '—')))))
        : h('p', { class: 'muted' }, 'No job queue has an autoscaler.'),
      decisions.events.length
        ? h('table', { class: 'list', 'aria-label': 'Scaling events' },
          h('thead', {}, h('tr', {}, ['Time', 'Queue', 'Action', 'Nodes', 'Reason'].map((name) => h('th', {}, name)))),
          h('tbody', {}, decisions.events.map((event) => h('tr', { 'data-scaling-action': event.action },
            h('td', {}, time(event.time)), h('td', {}, event.queue || '—'), h('td', {}, event.action),
            h('td', {}, event.nodes.join(', ') || '—'), h('td', {}, event.reason)))))
        : h('p', { class: 'muted' }, 'No scaling decision yet.'));

    try {
      const depths = await get('/api/v1/broker/queues');
      fill(broker,
        h('h2', {}, 'RabbitMQ queues'),
        h('table', { class: 'list', 'aria-label': 'RabbitMQ queue depths' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Queue'), h('th', { class: 'num' }, 'Ready'),
            h('th', { class: 'num' }, 'Unacked'), h('th', { class: 'num' }, 'Consumers'))),
          h('tbody', {}, depths.queues.map((queue) => h('tr', {},
            h('td', {}, queue.name),
            h('td', { class: 'num' }, queue.messages_ready),
            h('td', { class: 'num' }, queue.messages_unacknowledged),
            h('td', { class: 'num' }, queue.consumers))))),
        h('p', {}, h('a', { href: depths.management_url, target: '_blank', rel: 'noopener' }, 'Open the RabbitMQ management UI')));
    } catch (error) {
      fill(broker, h('h2', {}, 'RabbitMQ queues'), h('p', { class: 'muted' }, error.message));
    }
  }

  await refresh();
  return { refresh };
}
