// The farm's catalogues: job types with their versions (operators add versions from a JSON
// definition), the software catalogue with what the workers found, and path maps.

import { can, del, get, post, put } from '../api.js';
import { act, fill, h, time, toast } from '../dom.js';


export async function renderJobTypes(main) {
  const list = h('tbody');
  const shown = h('div');
  const editor = h('div');
  fill(main, h('h1', {}, 'Job types'),
    h('table', { class: 'list', 'aria-label': 'Job types' },
      h('thead', {}, h('tr', {}, ['Name', 'Version', 'Versions', 'Description', 'Changed', ''].map((name) => h('th', {}, name)))),
      list),
    shown, editor);

  function definitionOf(jobtype) {
    const { name, description, version, versions, time_created: _created, ...spec } = jobtype;
    return { name, description, ...spec };
  }

  async function refresh() {
    const answer = await get('/api/v1/jobtypes');
    fill(list, answer.jobtypes.map((jobtype) => h('tr', {},
      h('td', {}, jobtype.name),
      h('td', { class: 'num' }, jobtype.version),
      h('td', {}, jobtype.versions.join(', ')),
      h('td', {}, jobtype.description),
      h('td', {}, time(jobtype.time_created)),
      h('td', {}, h('button', {
        type: 'button',
        onclick: () => fill(shown, h('h2', {}, `${jobtype.name} v${jobtype.version}`),
          h('pre', { class: 'log', tabindex: 0 }, JSON.stringify(definitionOf(jobtype), null, 2))),
      }, 'Show')))));
    if (can('operator') && !editor.firstChild) {
      const text = h('textarea', { 'aria-label': 'Job type definition (JSON)', rows: 12 },
        JSON.stringify({ name: 'my-renderer', description: '', phases: [{ name: 'render', argv: ['render', '--frame', '{frame}'] }] }, null, 2));
      fill(editor, h('h2', {}, 'Add a job type or a new version'),
        h('p', { class: 'muted' }, 'A definition whose name exists becomes that job type\'s next version.'),
        text,
        h('button', {
          type: 'button', class: 'primary',
          onclick: () => {
            let definition;
            try {
              definition = JSON.parse(text.value);
            } catch (error) {
              toast(`Not JSON: ${error.message}`, 'error');
              return;
            }
            const exists = [...list.querySelectorAll('tr td:first-child')].some((cell) => cell.textContent === definition.name);
            act(`Saved ${definition.name}`, () => (exists
              ? put(`/api/v1/jobtypes/${encodeURIComponent(definition.name)}`, definition)
              : post('/api/v1/jobtypes', definition)), refresh);
          },
        }, 'Save'));
    }
  }

  await refresh();
  return { refresh };
}

export async function renderSoftware(main) {
  const body = h('tbody');
  const shown = h('div');
  const editor = h('div');
  fill(main, h('h1', {}, 'Software'),
    h('p', { class: 'muted' }, 'The farm\'s catalogue (checks every agent runs) and what the agents found, by version.'),
    h('table', { class: 'list', 'aria-label': 'Software' },
      h('thead', {}, h('tr', {}, ['Software', 'Versions (agents)', 'Catalogue', ''].map((name) => h('th', {}, name)))), body),
    shown, editor);

  const example = {
    versions: [{
      version: '4.1',
      checks: { linux: { command: ['{path}', '--version'], expect: 'Blender 4.1' } },
      paths: { linux: '/opt/blender-4.1/blender' },
    }],
  };

  async function show(name) {
    const detail = await get(`/api/v1/software/${encodeURIComponent(name)}`);
    fill(shown, h('h2', {}, name),
      h('table', { class: 'list', 'aria-label': `Versions of ${name}` },
        h('thead', {}, h('tr', {}, ['Version', 'Catalogue', 'Agents'].map((column) => h('th', {}, column)))),
        h('tbody', {}, detail.versions.map((version) => h('tr', {},
          h('td', {}, version.version), h('td', {}, version.catalogued ? 'yes' : '—'),
          h('td', {}, version.agents.length ? version.agents.map((agent) => agent.hostname).join(', ') : 'none'))))),
      detail.definition ? h('pre', { class: 'log', tabindex: 0 }, JSON.stringify({ versions: detail.definition.versions }, null, 2)) : null);
    return detail;
  }

  async function refresh() {
    const answer = await get('/api/v1/software');
    fill(body, answer.software.length
      ? answer.software.map((software) => h('tr', { 'data-software': software.name },
        h('td', {}, software.name),
        h('td', {}, software.versions.map((version) => `${version.version} (${version.agents})`).join(', ')),
        h('td', {}, software.catalogued ? 'yes' : 'agents only'),
        h('td', {}, h('button', { type: 'button', onclick: () => show(software.name) }, 'Show'),
          can('admin') && software.catalogued
            ? h('button', { type: 'button', class: 'danger', onclick: () => act(`Removed ${software.name}`, () => del(`/api/v1/software/${encodeURIComponent(software.name)}`), refresh) }, 'Remove')
            : null)))
      : h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'The catalogue is empty and no worker reported any software.')));
    if (can('admin') && !editor.firstChild) {
      const name = h('input', { name: 'name', 'aria-label': 'Software name', placeholder: 'blender' });
      const text = h('textarea', { 'aria-label': 'Software definition (JSON)', rows: 12 }, JSON.stringify(example, null, 2));
      fill(editor, h('h2', {}, 'Define software'),
        h('p', { class: 'muted' }, 'Each version has a check per system (linux, macos, windows): a command run without a shell, and text the output must contain (expect) or a regex; {path} stands for the version\'s path. Saving replaces the definition, and every agent checks again.'),
        h('label', {}, 'Name ', name), text,
        h('button', {
          type: 'button', class: 'primary',
          onclick: () => {
            let definition;
            try {
              definition = JSON.parse(text.value);
            } catch (error) {
              toast(`Not JSON: ${error.message}`, 'error');
              return;
            }
            act(`Saved ${name.value}`, () => put(`/api/v1/software/${encodeURIComponent(name.value)}`, definition), refresh);
          },
        }, 'Save'));
    }
  }
  await refresh();
  return { refresh };
}

export async function renderPathMaps(main) {
  const body = h('tbody');
  const form = h('div');
  fill(main, h('h1', {}, 'Path maps'),
    h('p', { class: 'muted' }, 'One storage root as each system sees it; workers rewrite paths in commands, environment and working directory for their own system.'),
    h('table', { class: 'list', 'aria-label': 'Path maps' },
      h('thead', {}, h('tr', {}, ['Linux', 'Windows', 'macOS', 'Tag', ''].map((name) => h('th', {}, name)))), body),
    form);
  async function refresh() {
    const answer = await get('/api/v1/pathmaps');
    fill(body, answer.pathmaps.map((map) => h('tr', {},
      h('td', {}, map.path_linux || '—'), h('td', {}, map.path_windows || '—'),
      h('td', {}, map.path_macos || '—'), h('td', {}, map.tag || 'every agent'),
      h('td', {}, can('operator')
        ? h('button', { type: 'button', class: 'danger', onclick: () => act('Deleted', () => del(`/api/v1/pathmaps/${map.id}`), refresh) }, 'Delete')
        : null))));
    if (can('operator') && !form.firstChild) {
      const input = (name, label) => h('label', {}, label, h('input', { name }));
      fill(form, h('h2', {}, 'New path map'), h('form', {
        class: 'row',
        onsubmit: (event) => {
          event.preventDefault();
          const data = Object.fromEntries(new FormData(event.target).entries());
          const body_ = Object.fromEntries(Object.entries(data).filter(([, value]) => value));
          act('Added', () => post('/api/v1/pathmaps', body_), refresh);
        },
      }, input('path_linux', 'Linux'), input('path_windows', 'Windows'), input('path_macos', 'macOS'), input('tag', 'Tag'),
      h('button', { type: 'submit', class: 'primary' }, 'Add')));
    }
  }
  await refresh();
  return { refresh };
}
