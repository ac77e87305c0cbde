/** The "n8n is ready" banner of `npm start` and `npm run start:queue`: where to log in and what to click. */
import { LOCAL_MODEL_CREDENTIAL, type ModelStandIn } from '../model-stand-in';
import type { StandIn } from '../ocoya-stand-in';
import type { Example } from './examples';
import { LIVE_BASE_URL, LIVE_CREDENTIAL, OWNER_FILE, STAND_IN_CREDENTIAL, rel, say, type OwnerLogin } from './session';

export interface BannerInput {
	url: string;
	standIn: StandIn;
	/** The local test model, when one runs. */
	model?: ModelStandIn;
	live: boolean;
	examples: Example[];
	owner: OwnerLogin;
	/** Seconds between the stand-in's status-mover steps; 0 when it moves posts only on the admin route. */
	movePostsEverySeconds: number;
	seconds: number;
}

/** The shell command that moves the stand-in's posts one step now (its admin route). */
export function advancePostsCommand(standIn: StandIn): string {
	return `curl -X POST ${standIn.adminUrl}/advance`;
}

export function printBanner({ url, standIn, model, live, examples, owner, movePostsEverySeconds, seconds }: BannerInput): void {
	const rule = '─'.repeat(78);
	const hooked = examples.filter((e) => e.webhooks.length > 0);
	say(rule);
	say(`n8n is ready (${seconds} s), with the Ocoya node from this repo.`);
	say();
	say(`  Editor      ${url}`);
	if (owner.state === 'unknown') {
		say(`  Log in      with your owner account (the saved ${owner.email} login no longer works;`);
		say(`              to start over: npm run n8n -- cli user-management:reset, then restart)`);
	} else {
		say(`  Log in      ${owner.email} / ${owner.password}`);
		say(`              (${owner.state === 'created' ? 'local owner account just created' : 'local owner account'}; saved in ${rel(OWNER_FILE)})`);
	}
	say(`  Ocoya API   stand-in ${standIn.baseUrl}  key ${standIn.apiKey}`);
	say(`              credential "${STAND_IN_CREDENTIAL.name}" points at it (re-imported on every start)`);
	say(
		live
			? `              credential "${LIVE_CREDENTIAL.name}" uses OCOYA_API_KEY and ${LIVE_BASE_URL}`
			: `              set OCOYA_API_KEY to also get a "${LIVE_CREDENTIAL.name}" credential for your real account`,
	);
	say(
		movePostsEverySeconds > 0
			? `              posts change status every ${movePostsEverySeconds} s (a new draft, one posted, one failed); now:`
			: '              posts change status when you ask (a new draft, one posted, one failed):',
	);
	say(`              ${advancePostsCommand(standIn)}`);
	if (model) {
		say(`  Test model  ${model.baseUrl}  credential "${LOCAL_MODEL_CREDENTIAL.name}" (OpenAI type):`);
		say('              calls the Ocoya tool once from your chat message and reports the result');
	}
	say();
	if (examples.length === 0) {
		say('  No example workflows found in examples/.');
	} else {
		say('  Example workflows (examples/; already-present ones are kept, not overwritten):');
		for (const e of examples) {
			const status = e.imported ? 'imported' : 'kept';
			say(`    • ${e.name}  [${status}${e.active ? ', active' : ''}]  ${url}/workflow/${e.id}`);
		}
	}
	say();
	say('  What to click:');
	let step = 1;
	say(`    ${step++}. Open ${url} and log in.`);
	for (const e of examples.filter((x) => x.manual)) say(`    ${step++}. Open "${e.name}" → Execute workflow; each node's output shows what went to Ocoya and back.`);
	for (const e of examples.filter((x) => x.ocoyaTriggers.length > 0)) {
		for (const trigger of e.ocoyaTriggers) {
			const watched = trigger.statuses.length ? trigger.statuses.join(', ') : 'the chosen statuses';
			const moves = movePostsEverySeconds > 0 ? `every ${movePostsEverySeconds} s, or now with the curl line above` : 'with the curl line above';
			say(
				e.active
					? `    ${step++}. "${e.name}" is active: its "${trigger.node}" polls ${trigger.polls} for posts in ${watched}.`
					: `    ${step++}. Publish "${e.name}" (it is not active): its "${trigger.node}" then polls ${trigger.polls} for posts in ${watched}.`,
			);
			say(`         Its first poll only records the posts it finds. Posts move ${moves};`);
			say('         the next poll runs the workflow once per change: Overview → Executions. To see up to');
			say(`         5 matching posts in the editor${e.active ? '' : ' first'}, open "${trigger.node}" and click Fetch Test Event.`);
		}
	}
	for (const e of hooked) {
		for (const hook of e.webhooks) {
			say(
				e.active
					? `    ${step++}. Trigger "${e.name}" from a shell (its production webhook is live):`
					: `    ${step++}. Publish "${e.name}" in the editor (it is not active), then trigger it from a shell:`,
			);
			const data = hook.method === 'GET' ? '' : ` -H 'content-type: application/json' -d '${JSON.stringify(hook.body)}'`;
			say(`         curl -X ${hook.method} ${url}/webhook/${hook.path}${data}`);
		}
	}
	for (const e of examples.filter((x) => x.chat)) {
		const models = `"${e.modelsWithoutCredential.join('", "')}"`;
		const credential = !e.modelsWithoutCredential.length
			? ''
			: model
				? `in ${models} pick "${LOCAL_MODEL_CREDENTIAL.name}" (or your own OpenAI credential), then `
				: `add your own credential to ${models} (not included), then `;
		say(`    ${step++}. Open "${e.name}": ${credential}click Open chat and ask for a campaign.`);
	}
	say(`    ${step++}. See each run under Overview → Executions; the stand-in's requests are printed below.`);
	say();
	say('Press Ctrl-C to stop n8n and the stand-in.');
	say(rule);
}
