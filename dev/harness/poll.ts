/**
 * Runs a polling trigger's `poll()` the way n8n does, through n8n-core's real `PollContext` and
 * `PollTriggerExecutor` (the code that calls `poll`, emits its items or reports its error), with
 * the node's static data kept as n8n's database keeps it:
 *
 *  - `activate()` builds the workflow from the saved static data (n8n loads it from the database at
 *    every start, publish or save), runs the activation poll (n8n's `executePollTrigger(true)`:
 *    an error fails the activation) and then saves the static data, as `ActiveWorkflowManager.add`
 *    does after registering the triggers;
 *  - `tick()` is one Poll Time tick on the same in-memory workflow: its static data is saved only
 *    when the poll emits (n8n's `__emit` saves before it runs the workflow), never otherwise;
 *  - `restart()` throws the in-memory workflow away and activates again from what was saved, so a
 *    change made by a poll that emitted nothing is lost exactly as in n8n;
 *  - `manual()` is the editor's Fetch Test Event: a `PollContext` in manual mode on a copy of the
 *    saved static data, which n8n never saves.
 *
 * Ticks are never awaited by n8n's scheduler, so `tick()` calls may overlap. Logs the node writes
 * (`this.logger`) are captured in `logs`.
 */
import './environment';

import { AsyncLocalStorage } from 'node:async_hooks';

import { Container } from '@n8n/di';
import { PollContext, PollTriggerExecutor } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type Logger,
	type WorkflowActivateMode,
} from 'n8n-workflow';

import { HarnessCredentialsHelper } from './credentials-helper';
import { createAdditionalData, HarnessNodeTypes } from './index';

export interface PollHarnessOptions {
	nodeType: INodeType;
	credentialTypes: ICredentialType[];
	/** Decrypted credential data keyed by credential type name. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The id n8n knows the credential by. */
	credentialId?: string;
	parameters: INodeParameters;
	/** Default 'harness-poll-workflow': polls of one workflow and node id share the running-poll guard. */
	workflowId?: string;
	nodeId?: string;
	/** Static data as already saved (e.g. carried over from another harness). */
	savedStaticData?: IDataObject;
}

export interface LogEntry {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	meta?: unknown;
}

export interface PollOutcome {
	/** Items of output 0 when the poll emitted; null when it returned nothing (or failed). */
	items: INodeExecutionData[] | null;
	/** What the poll failed with (reported through n8n's emitError, or thrown at activation). */
	error?: unknown;
	/** Whether n8n would have written the static data to its database after this poll. */
	saved: boolean;
}

export const POLL_NODE_NAME = 'Trigger Under Test';

/** Where n8n's __emit / __emitError report, per poll: overlapping ticks keep their own. */
const reports = new AsyncLocalStorage<PollOutcome[]>();

export class PollHarness {
	/** The node's static data as n8n's database holds it. */
	savedStaticData: IDataObject;

	/** Every poll outcome, in order (activation polls and ticks). */
	readonly outcomes: PollOutcome[] = [];

	readonly logs: LogEntry[] = [];

	/** How often the static data was written to the "database". */
	saves = 0;

	private readonly credentialsHelper: HarnessCredentialsHelper;

	private parameters: INodeParameters;

	private active?: { workflow: Workflow; run: (testingTrigger?: boolean) => Promise<void> };

	constructor(private readonly options: PollHarnessOptions) {
		this.savedStaticData = structuredClone(options.savedStaticData ?? {});
		this.parameters = structuredClone(options.parameters);
		this.credentialsHelper = new HarnessCredentialsHelper(options.credentialTypes, { ...options.credentials });
	}

	/** Items emitted across all polls, flattened. */
	get emittedItems(): INodeExecutionData[] {
		return this.outcomes.flatMap((outcome) => outcome.items ?? []);
	}

	/** Changes the node's parameters; like saving the workflow in n8n, that re-activates it. */
	async setParameters(parameters: INodeParameters, activation: WorkflowActivateMode = 'update'): Promise<PollOutcome> {
		this.parameters = structuredClone(parameters);
		return await this.activate(activation);
	}

	/** Changes a credential's data. n8n does not re-activate workflows for that: the next tick sees it. */
	setCredentials(type: string, data: ICredentialDataDecryptedObject): void {
		void this.credentialsHelper.updateCredentials({ id: null, name: '' }, type, data);
	}

	/** Activation: a fresh workflow from the saved static data, the activation poll, then a save. */
	async activate(activation: WorkflowActivateMode = 'activate'): Promise<PollOutcome> {
		const workflow = this.buildWorkflow(structuredClone(this.savedStaticData), true);
		const node = workflow.getNode(POLL_NODE_NAME) as INode;
		const additionalData = createAdditionalData({ credentialsHelper: this.credentialsHelper });
		const context = new PollContext(
			workflow,
			node,
			additionalData,
			'trigger',
			activation,
			(data) => {
				// n8n's __emit saves the static data, then runs the workflow with the items.
				const saved = this.save(workflow);
				reports.getStore()?.push({ items: data[0] ?? [], saved });
			},
			(error) => {
				reports.getStore()?.push({ items: null, error, saved: false });
			},
		);
		this.captureLogs(context);
		const run = Container.get(PollTriggerExecutor).create(workflow, node, context, () => this.active?.workflow === workflow);
		this.active = { workflow, run };
		const reported: PollOutcome[] = [];
		try {
			await reports.run(reported, async () => await run(true));
		} catch (error) {
			// A failed activation poll fails the activation: n8n saves nothing.
			this.active = undefined;
			return this.record({ items: null, error, saved: false });
		}
		// ActiveWorkflowManager.add saves the static data once the triggers are registered.
		const savedAfter = this.save(workflow);
		const outcome = reported[0] ?? { items: null, saved: false };
		return this.record({ ...outcome, saved: outcome.saved || savedAfter });
	}

	/** One Poll Time tick of the active workflow; resolves when that poll has finished. Ticks may overlap. */
	async tick(): Promise<PollOutcome> {
		const active = this.active;
		if (active === undefined) throw new Error('PollHarness: activate() first');
		const reported: PollOutcome[] = [];
		await reports.run(reported, async () => await active.run(false));
		return this.record(reported[0] ?? { items: null, saved: false });
	}

	/** n8n stops (unsaved changes are gone) and starts again: activation from the saved static data. */
	async restart(): Promise<PollOutcome> {
		this.active = undefined;
		return await this.activate('init');
	}

	/** The editor's Fetch Test Event: manual mode, on a copy of the saved static data that is never saved. */
	async manual(): Promise<{ items: INodeExecutionData[]; error?: undefined } | { items: null; error: unknown }> {
		const workflow = this.buildWorkflow(structuredClone(this.savedStaticData), false);
		const node = workflow.getNode(POLL_NODE_NAME) as INode;
		const additionalData = createAdditionalData({ credentialsHelper: this.credentialsHelper });
		const context = new PollContext(workflow, node, additionalData, 'manual', 'manual');
		this.captureLogs(context);
		try {
			const data = await this.options.nodeType.poll?.call(context);
			return { items: data?.[0] ?? [] };
		} catch (error) {
			return { items: null, error };
		}
	}

	/** The static data the active workflow holds in memory (what a save would write). */
	inMemoryStaticData(): IDataObject | undefined {
		return this.active === undefined ? undefined : plain(this.active.workflow.staticData);
	}

	private record(outcome: PollOutcome): PollOutcome {
		this.outcomes.push(outcome);
		return outcome;
	}

	private buildWorkflow(staticData: IDataObject, active: boolean): Workflow {
		const typeName = this.options.nodeType.description.name;
		const node: INode = {
			id: this.options.nodeId ?? 'harness-poll-node',
			name: POLL_NODE_NAME,
			type: typeName,
			typeVersion: 1,
			position: [0, 0],
			parameters: structuredClone(this.parameters),
			credentials: Object.fromEntries(
				Object.keys(this.options.credentials).map((name) => [
					name,
					{ id: this.options.credentialId ?? `cred-${name}`, name: `${name} (harness)` },
				]),
			),
		};
		return new Workflow({
			id: this.options.workflowId ?? 'harness-poll-workflow',
			name: 'Harness poll workflow',
			nodes: [node],
			connections: {},
			active,
			nodeTypes: new HarnessNodeTypes().register(typeName, this.options.nodeType),
			staticData,
			settings: { executionOrder: 'v1' },
		});
	}

	/** WorkflowStaticDataService.saveStaticData: writes only when the data changed since the last save. */
	private save(workflow: Workflow): boolean {
		if (workflow.staticData.__dataChanged !== true) return false;
		this.savedStaticData = plain(workflow.staticData);
		workflow.staticData.__dataChanged = false;
		this.saves++;
		return true;
	}

	private captureLogs(context: PollContext): void {
		const entry =
			(level: LogEntry['level']) =>
			(message: string, meta?: unknown): void => {
				this.logs.push({ level, message, meta });
			};
		const logger: Logger = { error: entry('error'), warn: entry('warn'), info: entry('info'), debug: entry('debug') } as Logger;
		Object.defineProperty(context, 'logger', { value: logger });
	}
}

function plain(data: IDataObject): IDataObject {
	const copy = JSON.parse(JSON.stringify(data)) as IDataObject;
	delete copy.__dataChanged;
	return copy;
}
