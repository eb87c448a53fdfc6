// Webhooks (admins): the registered URLs and the events they get, a form to add one, and the
// selected webhook's deliveries with their status, each of which can be sent again.

import { del, get, patch, post } from '../api.js';
import { act, fill, h, time, toast } from '../dom.js';

const EVENTS = ['job.done', 'job.failed', 'job.paused', 'task.failed', 'agent.offline'];

export async function render(main, params) {
  const selected = params.has('webhook') ? Number(params.get('webhook')) : null;
  const body = h('tbody');
  const form = h('div');
  const deliveries = h('div');
  fill(main, h('h1', {}, 'Webhooks'),
    h('p', { class: 'muted' }, 'Farm events POSTed to other systems as signed JSON (X-Warren-Signature: HMAC-SHA256 of the body), retried until they are taken.'),
    h('table', { class: 'list', 'aria-label': 'Webhooks' },
      h('thead', {}, h('tr', {}, ['URL', 'Events', 'Queue', 'Active', ''].map((name) => h('th', {}, name)))), body),
    deliveries, form);

  async function showDeliveries() {
    if (selected === null) {
      fill(deliveries);
      return;
    }
    const answer = await get(`/api/v1/webhooks/${selected}/deliveries`);
    fill(deliveries, h('h2', {}, `Deliveries of webhook ${selected}`),
      h('table', { class: 'list', 'aria-label': 'Deliveries' },
        h('thead', {}, h('tr', {}, ['Delivery', 'Event', 'State', 'Attempts', 'Status', 'Made', 'Last error', ''].map((name) => h('th', {}, name)))),
        h('tbody', {}, answer.deliveries.map((delivery) => h('tr', { 'data-delivery': delivery.delivery_id },
          h('td', {}, h('code', {}, delivery.delivery_id)), h('td', {}, delivery.event),
          h('td', {}, h('span', { class: 'badge', 'data-state': delivery.state === 'delivered' ? 'done' : delivery.state === 'failed' ? 'failed' : 'queued' }, delivery.state)),
          h('td', {}, String(delivery.attempts)), h('td', {}, delivery.last_status ?? '—'),
          h('td', {}, time(delivery.time_created)), h('td', {}, delivery.last_error || '—'),
          h('td', {}, h('button', {
            type: 'button',
            onclick: () => act('Sent again', () => post(`/api/v1/webhooks/${selected}/deliveries/${delivery.delivery_id}/redeliver`), refresh),
          }, 'Redeliver')))))));
  }

  async function refresh() {
    const answer = await get('/api/v1/webhooks');
    fill(body, answer.webhooks.map((hook) => h('tr', { 'data-webhook': String(hook.id) },
      h('td', {}, h('a', { href: `#/webhooks?webhook=${hook.id}` }, hook.url)),
      h('td', {}, hook.events.join(', ')), h('td', {}, hook.queue || 'every queue'),
      h('td', {}, h('input', {
        type: 'checkbox', checked: hook.active, 'aria-label': `Webhook ${hook.id} active`,
        onchange: (event) => act(event.target.checked ? 'Resumed' : 'Paused', () => patch(`/api/v1/webhooks/${hook.id}`, { active: event.target.checked }), refresh),
      })),
      h('td', {}, h('button', { type: 'button', class: 'danger', onclick: () => act('Deleted', () => del(`/api/v1/webhooks/${hook.id}`), refresh) }, 'Delete')))));
    await showDeliveries();
    if (!form.firstChild) {
      const boxes = EVENTS.map((name) => h('label', { class: 'row' }, h('input', { type: 'checkbox', name: 'events', value: name }), name));
      fill(form, h('h2', {}, 'New webhook'), h('form', {
        class: 'row',
        onsubmit: async (event) => {
          event.preventDefault();
          const data = new FormData(event.target);
          const request = { url: data.get('url'), events: data.getAll('events') };
          if (data.get('queue')) request.queue = data.get('queue');
          try {
            const made = await post('/api/v1/webhooks', request);
            toast(`Webhook ${made.id} added; its secret (shown only now): ${made.secret}`);
            event.target.reset();
            await refresh();
          } catch (error) {
            toast(`Webhook: ${error.message}`, 'error');
          }
        },
      }, h('label', {}, 'URL', h('input', { name: 'url', type: 'url', required: true })), boxes,
      h('label', {}, 'Queue (optional)', h('input', { name: 'queue' })),
      h('button', { type: 'submit', class: 'primary' }, 'Add')));
    }
  }
  await refresh();
  return { refresh };
}
