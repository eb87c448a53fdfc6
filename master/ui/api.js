// The REST API as the pages use it: JSON in and out, the login session's cookie, and its CSRF
// token on every change. A 401 sends the browser to the login page.

export const session = {
  username: null,
  role: null,
  csrf: null,
  auth: null,
};

const RANK = { viewer: 0, submitter: 1, operator: 2, admin: 3 };

/** Whether the user's role is at least `role`. */
export function can(role) {
  return session.role !== null && RANK[session.role] >= RANK[role];
}

/** Whether the user may change this job: operators any, submitters their own. */
export function canChangeJob(job) {
  return can('operator') || (can('submitter') && job.user === session.username);
}

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

/** Call the API; resolves to the JSON answer (or null for an empty one). */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && session.csrf) headers['x-csrf-token'] = session.csrf;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let answer = null;
  if (text) {
    try {
      answer = JSON.parse(text);
    } catch {
      answer = text;
    }
  }
  if (!response.ok) {
    const message = (answer && answer.error) || `${method} ${path}: ${response.status}`;
    if (response.status === 401 && !path.startsWith('/api/v1/auth/')) {
      goToLogin();
    }
    throw new ApiError(response.status, message, answer && answer.field);
  }
  return answer;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

export function goToLogin() {
  const back = location.hash && !location.hash.startsWith('#/login') ? location.hash : '#/';
  location.hash = `#/login?next=${encodeURIComponent(back)}`;
}

/** Who is logged in; false when nobody is. */
export async function whoAmI() {
  try {
    const me = await api('GET', '/api/v1/auth/me');
    Object.assign(session, {
      username: me.username, role: me.role, csrf: me.csrf_token, auth: me.auth,
    });
    return true;
  } catch (error) {
    if (error.status === 401) {
      Object.assign(session, { username: null, role: null, csrf: null, auth: null });
      return false;
    }
    throw error;
  }
}

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
