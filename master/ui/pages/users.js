// Users (admins only): roles, email, disabling, deleting, and making new users.

import { can, del, get, patch, post } from '../api.js';
import { act as actThen, fill, h, time } from '../dom.js';

const ROLES = ['viewer', 'submitter', 'operator', 'admin'];

export async function render(main) {
  if (!can('admin')) {
    fill(main, h('h1', {}, 'Users'), h('p', {}, 'Managing users needs the admin role.'));
    return null;
  }
  const body = h('tbody');
  const form = h('div');
  fill(main, h('h1', {}, 'Users'),
    h('table', { class: 'list', 'aria-label': 'Users' },
      h('thead', {}, h('tr', {}, ['User', 'Role', 'Email', 'Password', 'Disabled', 'Created', ''].map((name) => h('th', {}, name)))), body),
    form);

  const act = (label, run) => actThen(label, run, refresh);

  async function refresh() {
    const answer = await get('/api/v1/users');
    fill(body, answer.users.map((user) => {
      const path = `/api/v1/users/${encodeURIComponent(user.username)}`;
      const role = h('select', { 'aria-label': `Role of ${user.username}` },
        ROLES.map((name) => h('option', { value: name, selected: name === user.role }, name)));
      role.addEventListener('change', () => act(`${user.username} is now ${role.value}`, () => patch(path, { role: role.value })));
      return h('tr', { 'data-user': user.username },
        h('td', {}, user.username),
        h('td', {}, role),
        h('td', {}, user.email || '—'),
        h('td', {}, user.has_password ? 'yes' : 'tokens only'),
        h('td', {}, h('input', {
          type: 'checkbox', checked: user.disabled, 'aria-label': `${user.username} disabled`,
          onchange: (event) => act(`${user.username} ${event.target.checked ? 'disabled' : 'enabled'}`, () => patch(path, { disabled: event.target.checked })),
        })),
        h('td', {}, time(user.time_created)),
        h('td', {}, h('button', {
          type: 'button', class: 'danger',
          onclick: () => window.confirm(`Delete ${user.username}?`) && act(`Deleted ${user.username}`, () => del(path)),
        }, 'Delete')));
    }));
    if (!form.firstChild) {
      const username = h('input', { name: 'username', required: true, 'aria-label': 'User name' });
      const role = h('select', { name: 'role', 'aria-label': 'Role' }, ROLES.map((name) => h('option', { value: name }, name)));
      const password = h('input', { name: 'password', type: 'password', minlength: 8, autocomplete: 'new-password', 'aria-label': 'Password' });
      const email = h('input', { name: 'email', type: 'email', 'aria-label': 'Email' });
      fill(form, h('h2', {}, 'New user'), h('form', {
        class: 'row',
        onsubmit: (event) => {
          event.preventDefault();
          const user = { username: username.value, role: role.value };
          if (password.value) user.password = password.value;
          if (email.value) user.email = email.value;
          act(`Created ${user.username}`, () => post('/api/v1/users', user));
        },
      }, h('label', {}, 'Name', username), h('label', {}, 'Role', role), h('label', {}, 'Password', password),
      h('label', {}, 'Email', email), h('button', { type: 'submit', class: 'primary' }, 'Add user')));
    }
  }

  await refresh();
  return { refresh };
}
