import type { Screen } from '../app';
import { h } from '../ui/dom';

export const mountLogin: Screen = (el, ctx) => {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, 'data-testid': 'login-username' });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'data-testid': 'login-password',
  });
  const submit = h('button', { type: 'submit', 'data-testid': 'login-submit' }, 'Log in');
  let alive = true;

  const form = h(
    'form',
    { class: 'panel login', 'data-testid': 'login-form' },
    h('h1', {}, 'Log in to GeoLoop'),
    h('label', {}, 'Username', username),
    h('label', {}, 'Password', password),
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const { user } = await ctx.api.login(username.value.trim(), password.value);
      ctx.dismiss('login');
      ctx.store.set({ user });
    } catch (err) {
      ctx.report(err, 'login');
      if (alive) {
        password.value = '';
        password.focus();
      }
    } finally {
      submit.disabled = false;
    }
  });

  el.append(form);
  username.focus();
  return () => {
    alive = false;
  };
};
