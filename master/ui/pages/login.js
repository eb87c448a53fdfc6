// The login page: a user name and password open a session (cookie plus CSRF token).

import { post, whoAmI } from '../api.js';
import { fill, h } from '../dom.js';

export async function render(main, params) {
  const error = h('p', { class: 'error-box', role: 'alert' });
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', {
    class: 'stack panel',
    onsubmit: async (event) => {
      event.preventDefault();
      fill(error);
      try {
        await post('/api/v1/auth/login', { username: username.value, password: password.value });
        await whoAmI();
        location.hash = params.get('next') || '#/';
      } catch (failure) {
        fill(error, failure.message);
      }
    },
  },
  h('h1', {}, 'Log in to Warren'),
  h('label', {}, 'User name', username),
  h('label', {}, 'Password', password),
  h('button', { type: 'submit', class: 'primary' }, 'Log in'),
  error);
  fill(main, h('div', { class: 'login' }, form));
  username.focus();
}
