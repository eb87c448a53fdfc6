// Browser scenarios for Warren's web UI. Each drives the real UI of a live master (with real
// workers and RabbitMQ) like a user would, and checks the outcome through the REST API.
//
// The farm comes from the environment:
//   WARREN_URL            the master, e.g. http://127.0.0.1:41234
//   WARREN_TOKEN          an admin's API token, for setting up and checking through the API
//   WARREN_ADMIN, WARREN_ADMIN_PASSWORD    an admin who logs in to the UI
//   WARREN_VIEWER, WARREN_VIEWER_PASSWORD  a viewer
//   WARREN_FAKERENDER     the stand-in renderer
//   WARREN_UI_TIMEZONE    the browser's time zone

const env = process.env;
const base = env.WARREN_URL;
/** The browser's time zone: not the machine's, so times shown in UTC would be caught. */
export const TIMEZONE = env.WARREN_UI_TIMEZONE || 'Asia/Tokyo';

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

/** Call the API with the admin's token. */
async function api(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${env.WARREN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const answer = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Failure(`${method} ${path}: ${response.status} ${text}`);
  return answer;
}

/** Poll `probe` until it returns a truthy value, for at most `seconds`. */
async function until(what, probe, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Failure(`timed out after ${seconds} s waiting for ${what} (last: ${JSON.stringify(last)})`);
}

function renderJob(title, { frames = 1, seconds = 0.2, lines = 0, interval = 0 } = {}) {
  return {
    title, start: 1, end: frames, batch: 1,
    data: {
      argv: [env.WARREN_FAKERENDER, '--duration', String(seconds), '--lines', String(lines), '--interval', String(interval)],
    },
  };
}

async function login(page, username, password) {
  await page.goto(`${base}/`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

async function show(page, hash) {
  await page.evaluate((target) => { location.hash = target; }, hash);
}

/** A job submitted while the jobs page is open reaches 100% there without a reload. */
async function progress(page) {
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, '#/jobs');
  await page.locator('table.jobs').waitFor();
  await page.evaluate(() => { window.warrenNotReloaded = true; });
  const job = await api('POST', '/api/v1/jobs', renderJob('ui progress', { frames: 6, seconds: 0.5 }));
  const row = page.locator(`tr[data-job-id="${job.id}"]`);
  await row.waitFor();
  const bar = row.locator('[role=progressbar]');
  const seen = new Set();
  await until('the progress bar to reach 100%', async () => {
    const value = await bar.getAttribute('aria-valuenow');
    seen.add(value);
    return value === '100';
  }, 120);
  await row.locator('.badge[data-state=done]').waitFor();
  check(await page.evaluate(() => window.warrenNotReloaded === true), 'the page reloaded');
  check((await api('GET', `/api/v1/jobs/${job.id}`)).state === 'done', 'the API says the job is done');
  console.log(`progress values seen: ${[...seen].join(', ')}`);
}

/** A running task's log shows new lines as the task prints them. */
async function liveLog(page) {
  const job = await api('POST', '/api/v1/jobs', renderJob('ui log', { lines: 120, interval: 0.5 }));
  await until('the task to run', async () => (await api('GET', `/api/v1/jobs/${job.id}/tasks`)).tasks[0].state === 'running');
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, `#/jobs/${job.id}?task=0`);
  const lines = page.locator('pre.log span[data-line]');
  await lines.first().waitFor({ timeout: 60_000 });
  const before = await lines.count();
  await until('more log lines to appear', async () => (await lines.count()) > before + 2, 60);
  const after = await lines.count();
  check(await lines.nth(after - 1).textContent(), 'the newest line has text');
  console.log(`log lines: ${before} then ${after}`);
  await api('POST', `/api/v1/jobs/${job.id}/cancel`);
}

/** The job page says why the selected task waits. */
async function waitingReason(page) {
  const job = await api('POST', '/api/v1/jobs', { ...renderJob('ui waiting'), tag_requirements: ['nowhere'] });
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, `#/jobs/${job.id}?task=0`);
  const reason = page.locator('[data-field=task-waiting]');
  await reason.waitFor();
  const text = await reason.textContent();
  check(text.includes('no online, enabled agent satisfies') && text.includes('nowhere'), `the reason names the missing tag: ${text}`);
  await api('POST', `/api/v1/jobs/${job.id}/cancel`);
}

/** Ticking two running tasks in the grid and pressing Kill fails them, with who did it. */
async function taskActions(page) {
  const job = await api('POST', '/api/v1/jobs', { ...renderJob('ui task actions', { frames: 4, seconds: 300 }), requeue: 0 });
  await until('the tasks to run', async () => (await api('GET', `/api/v1/jobs/${job.id}`)).tasks.running >= 2, 60);
  const tasks = (await api('GET', `/api/v1/jobs/${job.id}/tasks`)).tasks;
  const [first, second, third, fourth] = tasks;
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, `#/jobs/${job.id}`);
  await until('the first two tasks to show running', async () =>
    (await page.locator('.task-cell.running').count()) >= 2, 30);
  for (const task of [first, second]) {
    await page.getByRole('checkbox', { name: `Select task ${task.id}`, exact: true }).check();
  }
  const bar = page.getByRole('region', { name: 'Actions on selected tasks' });
  await bar.getByText('2 selected').waitFor();
  await bar.getByRole('textbox', { name: 'Note' }).fill('wrong camera');
  await bar.getByRole('button', { name: 'Kill', exact: true }).click();
  for (const task of [first, second]) {
    const killed = await until(`task ${task.id} to be killed`, async () => {
      const answer = await api('GET', `/api/v1/jobs/${job.id}/tasks/${task.id}`);
      return answer.state !== 'running' && answer;
    });
    check(killed.state === 'failed', `a killed task is failed: ${JSON.stringify(killed)}`);
    check(killed.last_error === `killed by ${env.WARREN_ADMIN}: wrong camera`, `the error says who: ${killed.last_error}`);
  }
  // A refresh may redraw the grid between the tick and the bar: tick until the bar shows it.
  await until('the third task to be selected', async () => {
    await page.getByRole('checkbox', { name: `Select task ${third.id}`, exact: true }).check();
    return bar.getByText('1 selected').isVisible();
  }, 30);
  await bar.getByRole('button', { name: 'Skip', exact: true }).click();
  await until('the third task to be skipped', async () =>
    (await api('GET', `/api/v1/jobs/${job.id}/tasks/${third.id}`)).state === 'done');
  await page.locator(`.task-cell[data-index="${first.index}"]`).click();
  const history = page.getByRole('list', { name: 'Actions on this task' });
  await history.waitFor();
  const text = await history.textContent();
  check(text.includes(`kill by ${env.WARREN_ADMIN}`) && text.includes('wrong camera'), `the task's history: ${text}`);

  await page.getByRole('checkbox', { name: `Select task ${fourth.id}`, exact: true }).check();
  await bar.getByRole('button', { name: 'Mark failed', exact: true }).click();
  await until('the fourth task to be marked failed', async () =>
    (await api('GET', `/api/v1/jobs/${job.id}/tasks/${fourth.id}`)).state === 'failed');

  // Retry the first task, avoiding the agent it was killed on.
  const agent = (await api('GET', `/api/v1/jobs/${job.id}/tasks/${first.id}`)).agent_id;
  check(agent, 'the killed task names its agent');
  await page.getByRole('checkbox', { name: `Select task ${first.id}`, exact: true }).check();
  await bar.getByRole('combobox', { name: 'Retry avoiding agent' }).selectOption(agent);
  await bar.getByRole('button', { name: 'Retry', exact: true }).click();
  await until('the retried task to avoid its agent', async () => {
    const avoided = await api('GET', `/api/v1/jobs/${job.id}/tasks/${first.id}/failed_on_agents`);
    return JSON.stringify(avoided).includes(agent);
  });
  const retried = await api('GET', `/api/v1/jobs/${job.id}/tasks/${first.id}`);
  check(retried.state !== 'failed', `the retried task waits to run again: ${retried.state}`);
  await api('POST', `/api/v1/jobs/${job.id}/cancel`);
}

/** A batch of three frames shows each frame's state in its grid cell as the frames finish. */
async function frameStates(page) {
  // `{frame}` in the command makes the worker run it once per frame.
  const frames = renderJob('ui frames', { frames: 3, seconds: 3 });
  frames.data.argv.push('--frame', '{frame}');
  const job = await api('POST', '/api/v1/jobs', { ...frames, batch: 3 });
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, `#/jobs/${job.id}`);
  const cell = page.locator('.task-cell[data-index="0"]');
  await until('the grid to show a frame done while its batch runs', async () =>
    (await cell.getAttribute('data-state')) === 'running' && (await cell.locator('.frame.done').count()) >= 1, 60);
  check(await cell.locator('.frame.running').count() === 1, 'one frame of the batch runs');
  await until('every frame to show done', async () => (await cell.locator('.frame.done').count()) === 3, 60);
  const strip = await cell.locator('.frames').getAttribute('aria-label');
  check(strip.includes('3 of 3 done'), `the strip says so: ${strip}`);
}

/** The job page's requirements form changes RAM and tags; a bad value is refused by name. */
async function editRequirements(page) {
  const job = await api('POST', '/api/v1/jobs', { ...renderJob('ui requirements'), ram: 512, tag_requirements: ['nowhere'] });
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, `#/jobs/${job.id}`);
  await page.locator('details.requirements summary').click();
  await page.getByRole('spinbutton', { name: 'CPUs per task (-1: whole host)' }).fill('-7');
  await page.getByRole('button', { name: 'Save requirements' }).click();
  const error = page.locator('.toast.error');
  await error.waitFor();
  check((await error.textContent()).includes('cpus'), `the error names the field: ${await error.textContent()}`);
  check((await api('GET', `/api/v1/jobs/${job.id}`)).cpus === 1, 'a refused change changes nothing');
  await page.getByRole('spinbutton', { name: 'CPUs per task (-1: whole host)' }).fill('1');
  await page.getByRole('spinbutton', { name: 'RAM per task, MB' }).fill('2048');
  await page.getByRole('textbox', { name: 'Agent tags (comma-separated, !tag to exclude)' }).fill('elsewhere, !windows');
  await page.getByRole('spinbutton', { name: 'GPUs per task' }).fill('1');
  await page.getByRole('spinbutton', { name: 'RAM of each GPU, MB (empty: any)' }).fill('8192');
  await page.getByRole('spinbutton', { name: 'Warn above RAM, MB (empty: none)' }).fill('1500');
  await page.getByRole('textbox', { name: 'Job tags (comma-separated)' }).fill('shot010, hero');
  await page.getByRole('textbox', { name: 'Environment (NAME=value, one per line)' }).fill('LOOK=final\nOCIO=/studio/aces.ocio');
  await page.getByRole('button', { name: 'Save requirements' }).click();
  const changed = await until('the API to show the new requirements', async () => {
    const answer = await api('GET', `/api/v1/jobs/${job.id}`);
    return answer.ram === 2048 && answer;
  });
  check(JSON.stringify(changed.tag_requirements) === '["elsewhere"]', `tags: ${JSON.stringify(changed.tag_requirements)}`);
  check(JSON.stringify(changed.negated_tag_requirements) === '["windows"]', `excluded: ${JSON.stringify(changed.negated_tag_requirements)}`);
  check(changed.gpus === 1 && changed.gpu_ram === 8192, `GPUs: ${changed.gpus} of ${changed.gpu_ram} MB`);
  check(changed.ram_warning === 1500, `RAM warning: ${changed.ram_warning}`);
  check(JSON.stringify([...changed.tags].sort()) === '["hero","shot010"]', `job tags: ${JSON.stringify(changed.tags)}`);
  check(changed.environ.LOOK === 'final' && changed.environ.OCIO === '/studio/aces.ocio', `environment: ${JSON.stringify(changed.environ)}`);
  await page.locator('details.requirements summary', { hasText: '2048 MB' }).waitFor();
  await api('POST', `/api/v1/jobs/${job.id}/cancel`);
}

/** The job page's Pause button pauses the job; two jobs are cancelled together from the list. */
async function pauseAndBulkCancel(page) {
  const paused = await api('POST', '/api/v1/jobs', renderJob('ui pause', { frames: 20, seconds: 5 }));
  const first = await api('POST', '/api/v1/jobs', renderJob('ui bulk one', { frames: 20, seconds: 5 }));
  const second = await api('POST', '/api/v1/jobs', renderJob('ui bulk two', { frames: 20, seconds: 5 }));
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, `#/jobs/${paused.id}`);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await until('the API to say the job is paused', async () => (await api('GET', `/api/v1/jobs/${paused.id}`)).state === 'paused');
  await page.getByRole('button', { name: 'Resume', exact: true }).waitFor();

  await show(page, '#/jobs');
  for (const job of [first, second]) {
    await page.locator(`tr[data-job-id="${job.id}"] input[type=checkbox]`).check();
  }
  const bulk = page.getByRole('region', { name: 'Actions on selected jobs' });
  await bulk.getByText('2 selected').waitFor();
  await bulk.getByRole('button', { name: 'Cancel', exact: true }).click();
  for (const job of [first, second]) {
    await until(`job ${job.id} to be cancelled`, async () => (await api('GET', `/api/v1/jobs/${job.id}`)).state === 'cancelled');
    await page.locator(`tr[data-job-id="${job.id}"] .badge[data-state=cancelled]`).waitFor();
  }
  check((await api('GET', `/api/v1/jobs/${paused.id}`)).state === 'paused', 'the paused job was left alone');
  await api('POST', `/api/v1/jobs/${paused.id}/cancel`);
}

/** An agent disabled on its page takes no work until it is enabled again. */
async function disableAgent(page) {
  const { agents } = await api('GET', '/api/v1/agents');
  check(agents.length === 1, `one agent, found ${agents.length}`);
  const agent = agents[0];
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, `#/agents/${agent.id}`);
  await page.getByRole('button', { name: 'Disable', exact: true }).click();
  await until('the API to say the agent is disabled', async () => (await api('GET', `/api/v1/agents/${agent.id}`)).disabled === true);
  await page.getByRole('heading', { name: agent.hostname }).locator('.badge[data-state=disabled]').waitFor();

  const job = await api('POST', '/api/v1/jobs', renderJob('ui after disable'));
  const waiting = await until('the job to wait for an agent', async () => {
    const now = await api('GET', `/api/v1/jobs/${job.id}`);
    return now.tasks.queued === 1 && now.blocked_reason ? now : null;
  });
  console.log(`while disabled: ${waiting.blocked_reason}`);
  const held = await api('GET', `/api/v1/agents/${agent.id}/tasks`);
  check(!held.tasks.some((task) => task.job_id === job.id), 'the disabled agent took no task of the job');

  await page.getByRole('button', { name: 'Enable', exact: true }).click();
  await until('the job to run once the agent is enabled', async () => (await api('GET', `/api/v1/jobs/${job.id}`)).state === 'done');
}

/** The agent page's Restart button restarts the worker: the same agent comes back online and
 * its restart is recorded as done. */
async function restartAgent(page) {
  const { agents } = await api('GET', '/api/v1/agents');
  check(agents.length === 1, `one agent, found ${agents.length}`);
  const agent = agents[0];
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, `#/agents/${agent.id}`);
  await page.getByRole('button', { name: 'Restart', exact: true }).click();
  await page.locator('.toast', { hasText: 'Restart requested' }).waitFor();
  const restart = await until('the restart to be done', async () => {
    const { restarts } = await api('GET', '/api/v1/agents/restarts');
    const ours = restarts.find((entry) => entry.agent_id === agent.id);
    check(!ours || ours.state !== 'failed', `the restart failed: ${JSON.stringify(ours)}`);
    return ours && ours.state === 'done' && ours;
  }, 60);
  check(restart.done_at, `a finished restart says when: ${JSON.stringify(restart)}`);
  const after = await until('the agent to be online again', async () => {
    const now = await api('GET', `/api/v1/agents/${agent.id}`);
    return ['online', 'running'].includes(now.state) && now;
  });
  check(after.id === agent.id, 'the agent keeps its id');
  const job = await api('POST', '/api/v1/jobs', renderJob('ui after restart'));
  await until('a job to run on the restarted agent', async () => (await api('GET', `/api/v1/jobs/${job.id}`)).state === 'done');
}

/** An admin adds a webhook on its page; a job's delivery (to an address nobody listens on)
 * shows up with its failed attempts, and the Redeliver button queues it again. */
async function webhooks(page) {
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, '#/webhooks');
  await page.getByLabel('URL').fill('http://127.0.0.1:9/nobody-listens');
  await page.getByRole('checkbox', { name: 'job.done' }).check();
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const made = page.locator('.toast', { hasText: 'its secret' });
  await made.waitFor();
  const { webhooks: hooks } = await until('the API to list the webhook', async () => {
    const answer = await api('GET', '/api/v1/webhooks');
    return answer.webhooks.length === 1 && answer;
  });
  check(JSON.stringify(hooks[0].events) === '["job.done"]', `events: ${JSON.stringify(hooks[0].events)}`);
  const job = await api('POST', '/api/v1/jobs', renderJob('ui webhook'));
  await until('the job to end', async () => (await api('GET', `/api/v1/jobs/${job.id}`)).state === 'done');
  const [delivery] = await until('a failed attempt of the delivery', async () => {
    const { deliveries } = await api('GET', `/api/v1/webhooks/${hooks[0].id}/deliveries`);
    return deliveries.length === 1 && deliveries[0].attempts >= 1 && deliveries;
  });
  await page.getByRole('link', { name: 'http://127.0.0.1:9/nobody-listens' }).click();
  const row = page.locator(`tr[data-delivery="${delivery.delivery_id}"]`);
  await row.waitFor();
  check((await row.textContent()).includes('job.done'), `the row names the event: ${await row.textContent()}`);
  await row.getByRole('button', { name: 'Redeliver' }).click();
  await page.locator('.toast', { hasText: 'Sent again' }).waitFor();
}

/** An admin defines software on the Software page; the worker runs its check and reports it. */
async function softwareCatalogue(page) {
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, '#/software');
  await page.getByLabel('Software name').fill('uitool');
  await page.getByLabel('Software definition (JSON)').fill(JSON.stringify({
    versions: [
      { version: '2.1', checks: { linux: { command: ['echo', 'uitool 2.1'], expect: 'uitool 2.1' } } },
      { version: '3.0', checks: { linux: { command: ['echo', 'uitool 2.1'], expect: 'uitool 3.0' } } },
    ],
  }));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('.toast', { hasText: 'Saved uitool' }).waitFor();
  const row = page.locator('tr[data-software="uitool"]');
  await until('the worker to report uitool 2.1 on the page', async () => {
    await show(page, '#/agents');
    await show(page, '#/software');
    await row.waitFor();
    return (await row.textContent()).includes('2.1 (1)');
  });
  check((await row.textContent()).includes('3.0 (0)'), `3.0 is defined but found nowhere: ${await row.textContent()}`);
  await row.getByRole('button', { name: 'Show' }).click();
  await page.getByRole('table', { name: 'Versions of uitool' }).waitFor();
  await row.getByRole('button', { name: 'Remove' }).click();
  await page.locator('.toast', { hasText: 'Removed uitool' }).waitFor();
}

/** An admin replays a dead letter on its page (it fails again: a new one says so), then deletes
 * both. The test published a malformed event before. */
async function deadLetters(page) {
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  const { dead_letters: [first] } = await until('the malformed event to be dead-lettered', async () => {
    const answer = await api('GET', '/api/v1/dead-letters');
    return answer.dead_letters.length === 1 && answer;
  });
  await show(page, '#/dead-letters');
  const row = page.locator(`tr[data-dead-letter="${first.id}"]`);
  await row.getByRole('button', { name: 'Replay' }).click();
  await page.locator('.toast', { hasText: `Dead letter ${first.id} queued again` }).waitFor();
  const { dead_letters: letters } = await until('the replay to fail again', async () => {
    const answer = await api('GET', '/api/v1/dead-letters');
    return answer.dead_letters.length === 2 && answer;
  });
  check(letters[0].reason.startsWith(`replaying dead letter ${first.id}:`), `reason: ${letters[0].reason}`);
  check(letters[1].replayed_at !== null, 'the first is marked replayed');
  await show(page, '#/agents');
  await show(page, '#/dead-letters');
  for (const letter of letters) {
    await page.locator(`tr[data-dead-letter="${letter.id}"]`).getByRole('button', { name: 'Delete' }).click();
    await page.locator('.toast', { hasText: `Dead letter ${letter.id} deleted` }).waitFor();
  }
  await until('no dead letter to be left', async () => (await api('GET', '/api/v1/dead-letters')).count === 0);
}

/** An admin enrolls a node on the Agents page (its join token is shown once) and revokes it. */
async function enrollAndRevoke(page) {
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await show(page, '#/agents');
  await page.getByRole('button', { name: 'Enroll a node' }).click();
  await page.getByLabel('Name', { exact: true }).fill('ui-node');
  await page.getByLabel('Tags, comma-separated').fill('linux, gpu');
  await page.getByRole('button', { name: 'Make a join token' }).click();
  const command = await page.getByLabel('Join command').inputValue();
  check(/^warren-worker join wrnj_[A-Za-z0-9_-]+ --dir \S+$/.test(command), `a join command: ${command}`);
  const { agents } = await api('GET', '/api/v1/agents?state=pending');
  const agent = agents.find((candidate) => candidate.hostname === 'ui-node');
  check(agent, `the enrolled node is listed as pending: ${JSON.stringify(agents)}`);
  check(agent.tags.join(',') === 'gpu,linux', `the node has its tags: ${agent.tags}`);
  await page.getByRole('button', { name: 'Done' }).click();
  await page.locator(`tr[data-agent-id="${agent.id}"] .badge[data-state=pending]`).waitFor();

  await show(page, `#/agents/${agent.id}`);
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Revoke', exact: true }).click();
  await until('the API to say the agent is revoked', async () => (await api('GET', `/api/v1/agents/${agent.id}`)).state === 'revoked');
  await page.getByRole('heading', { name: 'ui-node' }).locator('.badge[data-state=revoked]').waitFor();
}

const CHANGING = [
  'Pause', 'Resume', 'Cancel', 'Rerun', 'Rerun failed', 'Delete', 'Set priority', 'Move',
  'Disable', 'Enable', 'Check software', 'Save', 'Add queue', 'Forget agent', 'Rerun task', 'Add',
  'Add user', 'Enroll a node', 'Make a join token', 'Revoke', 'Restart', 'Kill', 'Skip',
  'Mark failed', 'Retry', 'Save requirements',
];

/** A viewer sees nothing that would change the farm, and the API refuses them anyway. */
async function viewer(page) {
  const job = await api('POST', '/api/v1/jobs', renderJob('ui viewer', { frames: 2 }));
  await until('the job to end', async () => (await api('GET', `/api/v1/jobs/${job.id}`)).state === 'done');
  const { agents } = await api('GET', '/api/v1/agents');
  await login(page, env.WARREN_VIEWER, env.WARREN_VIEWER_PASSWORD);
  check(!(await page.getByRole('link', { name: 'Users' }).isVisible()), 'the Users link is hidden from a viewer');
  const pages = [
    ['#/jobs', 'table.jobs tbody tr'],
    ['#/agents', 'table.agents tbody tr'],
    [`#/jobs/${job.id}?task=0`, '.task-detail dl'],
    [`#/agents/${agents[0].id}`, 'dl.facts'],
    ['#/queues', 'table.queues tbody tr'],
    ['#/jobtypes', 'table tbody tr'],
    ['#/pathmaps', 'table'],
  ];
  for (const [hash, ready] of pages) {
    await show(page, hash);
    await page.locator(ready).first().waitFor();
    const labels = await page.locator('main button').allTextContents();
    const offending = labels.filter((label) => CHANGING.includes(label.trim()));
    check(offending.length === 0, `${hash} shows ${offending.join(', ')} to a viewer`);
    check(await page.locator('main textarea, main input[type=number]').count() === 0, `${hash} has editable fields`);
  }
  await show(page, '#/jobs');
  await page.locator(`tr[data-job-id="${job.id}"] input[type=checkbox]`).check();
  check(!(await page.getByRole('region', { name: 'Actions on selected jobs' }).isVisible()), 'no bulk actions for a viewer');

  const statuses = await page.evaluate(async (id) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const headers = { 'x-csrf-token': me.csrf_token, 'content-type': 'application/json' };
    const pause = await fetch(`/api/v1/jobs/${id}/pause`, { method: 'POST', headers });
    const remove = await fetch(`/api/v1/jobs/${id}`, { method: 'DELETE', headers });
    const submit = await fetch('/api/v1/jobs', { method: 'POST', headers, body: JSON.stringify({ title: 'nope', start: 1, end: 1, data: { argv: ['true'] } }) });
    return [pause.status, remove.status, submit.status];
  }, job.id);
  check(statuses.every((status) => status === 403), `the API refused the viewer: ${statuses}`);
  check((await api('GET', `/api/v1/jobs/${job.id}`)).state === 'done', 'the job is untouched');

  await show(page, `#/jobs/${job.id}`);
  const shown = await page.locator('dl.facts time').first();
  const [datetime, text] = [await shown.getAttribute('datetime'), await shown.textContent()];
  const expected = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: TIMEZONE })
    .format(new Date(datetime));
  check(text === expected, `times are shown in the browser's time zone: ${text} for ${datetime}, expected ${expected}`);
}

/** Screenshots of the dashboard and a job page for the README (not a check). */
async function screenshots(page) {
  const job = await api('POST', '/api/v1/jobs', { ...renderJob('shot010 lighting', { frames: 120, lines: 20, interval: 0.1 }), priority: 50 });
  await api('POST', '/api/v1/jobs', renderJob('shot020 comp', { frames: 60, seconds: 1 }));
  await until('tasks to run', async () => (await api('GET', `/api/v1/jobs/${job.id}`)).tasks.done >= 8, 120);
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${env.WARREN_UI_ARTIFACTS}/dashboard.png` });
  await show(page, `#/jobs/${job.id}?task=9`);
  await page.locator('pre.log span[data-line], pre.log').first().waitFor();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${env.WARREN_UI_ARTIFACTS}/job.png`, fullPage: true });
}

/**
 * Figures for BENCHMARKS.md (not a check): how fast the UI shows a 100,000-task job and a farm
 * of 10,000 jobs. Jobs are submitted paused-by-priority into a queue no worker serves.
 */
async function scale(page) {
  const jobs = Number(env.WARREN_SCALE_JOBS || 10000);
  await api('POST', '/api/v1/jobqueues', { name: 'scale', maximum_agents: 0 }).catch(() => {});
  const big = await api('POST', '/api/v1/jobs', { ...renderJob('scale 100k frames', { frames: 100000 }), queue: 'scale' });
  const started = Date.now();
  for (let done = 1; done < jobs; done += 50) {
    await Promise.all(Array.from({ length: Math.min(50, jobs - done) }, (_, index) =>
      api('POST', '/api/v1/jobs', { ...renderJob(`scale ${done + index}`), queue: 'scale' })));
  }
  console.log(`submitted ${jobs} jobs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await login(page, env.WARREN_ADMIN, env.WARREN_ADMIN_PASSWORD);
  const timed = async (what, run) => {
    const start = performance.now();
    await run();
    console.log(`${what}: ${Math.round(performance.now() - start)} ms`);
  };
  await timed('jobs page, first 50 of 10,000 jobs', async () => {
    await show(page, '#/jobs');
    await page.locator('table.jobs tbody tr[data-job-id]').nth(49).waitFor();
  });
  await timed('jobs page sorted by title', async () => {
    await page.getByRole('button', { name: 'Title' }).click();
    await page.waitForFunction(() => location.hash.includes('sort=title'));
    await page.locator('table.jobs tbody tr[data-job-id]').nth(49).waitFor();
  });
  await timed('job page of the 100,000-task job, grid drawn', async () => {
    await show(page, `#/jobs/${big.id}`);
    await page.locator('.task-cell.queued').first().waitFor();
  });
  const cells = await page.locator('.task-cell').count();
  console.log(`cells in the document: ${cells}`);
  await timed('scroll to the middle of the grid, cells loaded', async () => {
    await page.locator('.task-grid-wrap').evaluate((wrap) => { wrap.scrollTop = wrap.scrollHeight / 2; });
    await page.waitForFunction(() => document.querySelectorAll('.task-cell.loading').length === 0
      && document.querySelector('.task-cell')?.dataset.index > 40000);
  });
  await timed('scroll to the end, cells loaded', async () => {
    await page.locator('.task-grid-wrap').evaluate((wrap) => { wrap.scrollTop = wrap.scrollHeight; });
    await page.locator('.task-cell[data-index="99999"]:not(.loading)').waitFor();
  });
  await timed('select the last task and show it', async () => {
    await page.locator('.task-cell[data-index="99999"]').click();
    await page.locator('.task-detail dl').waitFor();
  });
}

export const scenarios = {
  scale,
  progress,
  'live-log': liveLog,
  'waiting-reason': waitingReason,
  'task-actions': taskActions,
  'frame-states': frameStates,
  'edit-requirements': editRequirements,
  'pause-and-bulk-cancel': pauseAndBulkCancel,
  'disable-agent': disableAgent,
  'restart-agent': restartAgent,
  'enroll-and-revoke': enrollAndRevoke,
  webhooks,
  'software-catalogue': softwareCatalogue,
  'dead-letters': deadLetters,
  viewer,
  screenshots,
};
