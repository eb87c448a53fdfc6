// Dead letters (admins): events the master could not apply, with the reason; once the cause is
// fixed an admin replays one (it is applied again as its first sender sent it) or deletes it.

import { del, get, post } from '../api.js';
import { act, fill, h, time } from '../dom.js';

export async function render(main) {
  const body = h('tbody');
  const count = h('p', { class: 'muted' });
  fill(main, h('h1', {}, 'Dead letters'),
    h('p', { class: 'muted' }, 'Events the master could not apply. Fix the cause, then replay: the event goes through the events queue again, as the agent that sent it. If it fails again, a new dead letter says why.'),
    count,
    h('table', { class: 'list', 'aria-label': 'Dead letters' },
      h('thead', {}, h('tr', {}, ['Id', 'Time', 'Kind', 'From', 'Reason', 'Replayed', ''].map((name) => h('th', {}, name)))), body));

  async function refresh() {
    const answer = await get('/api/v1/dead-letters');
    fill(count, `${answer.count} kept; the latest ${answer.dead_letters.length} below.`);
    fill(body, answer.dead_letters.length
      ? answer.dead_letters.map((letter) => h('tr', { 'data-dead-letter': String(letter.id) },
        h('td', { class: 'num' }, String(letter.id)), h('td', {}, time(letter.time)),
        h('td', {}, letter.kind || '—'), h('td', {}, letter.user || '—'),
        h('td', {}, h('details', {}, h('summary', {}, letter.reason), h('pre', { class: 'log', tabindex: 0 }, letter.payload))),
        h('td', {}, letter.replayed_at ? time(letter.replayed_at) : '—'),
        h('td', {},
          letter.replayable
            ? h('button', { type: 'button', onclick: () => act(`Dead letter ${letter.id} queued again`, () => post(`/api/v1/dead-letters/${letter.id}/replay`), refresh) }, 'Replay')
            : null,
          h('button', { type: 'button', class: 'danger', onclick: () => act(`Dead letter ${letter.id} deleted`, () => del(`/api/v1/dead-letters/${letter.id}`), refresh) }, 'Delete'))))
      : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No dead letters.')));
  }
  await refresh();
  return { refresh };
}
