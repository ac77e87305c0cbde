/**
 * The example workflows `npm start` and `npm run start:queue` import: every examples/*.json, read
 * for what the banner tells the user to do with each (execute, call its webhook, chat, watch its
 * trigger), imported into n8n when it is missing there, and published when it asks to be.
 */
import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT, activateWorkflowArgs } from '../n8n/app';
import { LIVE_CREDENTIAL, STAND_IN_CREDENTIAL, cli, importJson, say, type N8nTarget } from './session';

const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const DEFAULT_WEBHOOK_BODY = { email: 'ada@example.com', product: 'Acme Analytics', audience: 'marketing teams' };

interface WorkflowNode {
	name: string;
	type: string;
	notes?: string;
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id?: string; name?: string }>;
}

interface WorkflowJson {
	id?: string;
	name?: string;
	active?: boolean;
	nodes?: WorkflowNode[];
	pinData?: Record<string, Array<{ json?: Record<string, unknown> }>>;
}

interface Webhook {
	method: string;
	path: string;
	body: unknown;
}

/** An Ocoya Trigger in an example: it fires when the stand-in's posts change status. */
export interface OcoyaTriggerInfo {
	/** The node's name in the workflow. */
	node: string;
	/** The statuses it watches (the node's `statuses` parameter), e.g. ['DRAFT']. */
	statuses: string[];
	/** Its Poll Times in words, e.g. 'every minute'. */
	polls: string;
}

export interface Example {
	file: string;
	id: string;
	name: string;
	json: WorkflowJson;
	webhooks: Webhook[];
	/** Has a manual trigger: open it and click Execute workflow. */
	manual: boolean;
	/** Has a chat trigger: open it and click Open chat. */
	chat: boolean;
	/** Chat model nodes without a credential: the user must add one (e.g. OpenAI) first. */
	modelsWithoutCredential: string[];
	/** Its Ocoya Trigger nodes: published, they poll the stand-in and run when posts change status. */
	ocoyaTriggers: OcoyaTriggerInfo[];
	/** Published after import: it has a webhook, or says active: true. */
	publish: boolean;
	/** Set after the import step. */
	imported?: boolean;
	/** Set once n8n is up: whether n8n activated it (its production webhook is live). */
	active?: boolean;
}

/**
 * examples/*.json (or `dir`), one workflow each (an array of workflows is accepted too), in file
 * name order. A file that is not JSON, or a workflow without id or nodes, is skipped with a note.
 */
export function readExamples(dir: string = EXAMPLES_DIR): Example[] {
	if (!fs.existsSync(dir)) return [];
	const examples: Example[] = [];
	for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
		let parsed: WorkflowJson | WorkflowJson[];
		try {
			parsed = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as WorkflowJson | WorkflowJson[];
		} catch (error) {
			say(`• skipping examples/${file}: not JSON (${error instanceof Error ? error.message : String(error)})`);
			continue;
		}
		for (const json of Array.isArray(parsed) ? parsed : [parsed]) {
			// Without a fixed id there is no way to tell "already imported" from "new", and every start would add a copy.
			if (!json.id || !Array.isArray(json.nodes)) {
				say(`• skipping examples/${file}: a workflow without id or nodes`);
				continue;
			}
			for (const node of json.nodes) {
				const id = node.credentials?.ocoyaApi?.id;
				if (id !== undefined && id !== STAND_IN_CREDENTIAL.id && id !== LIVE_CREDENTIAL.id) {
					say(`• note: examples/${file} node "${node.name}" uses credential id '${id}', which npm start does not create`);
				}
			}
			const webhooks = json.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook').map((n) => webhookOf(n, json));
			examples.push({
				file,
				id: json.id,
				name: json.name ?? json.id,
				json,
				webhooks,
				manual: json.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger'),
				chat: json.nodes.some((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger'),
				modelsWithoutCredential: json.nodes
					.filter((n) => /\.lmChat/.test(n.type) && Object.keys(n.credentials ?? {}).length === 0)
					.map((n) => n.name),
				ocoyaTriggers: json.nodes.filter((n) => /\.ocoyaTrigger$/.test(n.type)).map(ocoyaTriggerOf),
				publish: webhooks.length > 0 || json.active === true,
			});
		}
	}
	return examples;
}

function ocoyaTriggerOf(node: WorkflowNode): OcoyaTriggerInfo {
	const statuses = Array.isArray(node.parameters?.statuses) ? node.parameters.statuses.filter((s): s is string => typeof s === 'string') : [];
	return { node: node.name, statuses, polls: pollTimesInWords(node.parameters?.pollTimes) };
}

/** n8n's Poll Times parameter (`{ item: [{ mode, value?, unit? }] }`) in words, for the banner. */
export function pollTimesInWords(pollTimes: unknown): string {
	const items = (pollTimes as { item?: Array<Record<string, unknown>> } | undefined)?.item;
	// n8n's default for a polling trigger without Poll Times is every minute.
	if (!Array.isArray(items) || items.length === 0) return 'every minute';
	return items
		.map((item) => {
			switch (item.mode) {
				case 'everyMinute':
					return 'every minute';
				case 'everyHour':
					return 'every hour';
				case 'everyX':
					return `every ${String(item.value)} ${String(item.unit)}`;
				default:
					return String(item.mode);
			}
		})
		.join(' and ');
}

/** Method, path and a sample body: pinned data, else the JSON example in the node's notes, else a lead. */
function webhookOf(node: WorkflowNode, workflow: WorkflowJson): Webhook {
	const method = typeof node.parameters?.httpMethod === 'string' ? node.parameters.httpMethod : 'GET';
	const webhookPath = typeof node.parameters?.path === 'string' ? node.parameters.path : '';
	let body: unknown = workflow.pinData?.[node.name]?.[0]?.json?.body;
	const inNotes = node.notes?.match(/\{.*\}/s)?.[0];
	if (body === undefined && inNotes) {
		try {
			body = JSON.parse(inNotes);
		} catch {
			// Prose around braces, not JSON: use the default.
		}
	}
	return { method, path: webhookPath, body: body ?? DEFAULT_WEBHOOK_BODY };
}

/** Imports only the examples n8n lacks (import overwrites by id, which would undo the user's edits) and publishes them. */
export async function importExamples(target: N8nTarget, examples: Example[]): Promise<void> {
	if (examples.length === 0) return;
	const existing = new Set(
		(await cli(target, ['list:workflow', '--onlyId']))
			.split('\n')
			.map((line) => line.trim())
			// Migration log lines can precede the ids on the first run of a new n8n version.
			.filter((line) => /^[\w-]+$/.test(line)),
	);
	const missing = examples.filter((example) => !existing.has(example.id));
	for (const example of examples) example.imported = !existing.has(example.id);
	if (missing.length === 0) return;
	await importJson(
		target,
		'import:workflow',
		missing.map((example) => example.json),
	);
	// import:workflow deactivates everything; published before `n8n start` so webhooks are live once it is ready.
	for (const example of missing.filter((e) => e.publish)) await cli(target, activateWorkflowArgs(example.id));
}

