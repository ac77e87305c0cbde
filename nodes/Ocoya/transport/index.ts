import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { pacerFor, RateLimitWaitTooLong, type RateLimitPacer, type ResponseHeaders } from './rateLimit';

export const CREDENTIAL_TYPE = 'ocoyaApi';

export const DEFAULT_BASE_URL = 'https://app.ocoya.com/api/_public/v1';

export type OcoyaContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface OcoyaRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	itemIndex?: number;
	/**
	 * A create call is not idempotent: when a failure leaves it unknown whether Ocoya acted,
	 * the error must say so and nothing may be retried.
	 */
	createsResource: boolean;
	/**
	 * Safe to send again (reads, Reschedule, Delete): after a timeout, a reset connection or a
	 * 502/503/504 it is retried at most twice, 1 s then 2 s later, through the gate.
	 * TODO(transport owner): implement; see attemptsOf().
	 */
	idempotent?: boolean;
	/**
	 * A 2xx reply with no body (204, or an empty 200/201) is a success: `request` resolves to
	 * `undefined`. Without it an empty body is an unreadable reply, as today.
	 * TODO(transport owner): implement.
	 */
	emptyReplyAllowed?: boolean;
	timeoutMs: number;
	/** Longest this call may spend waiting for Ocoya's rate limit window, in milliseconds. */
	maxRateLimitWaitMs: number;
	/** When set, the whole call (waits and retries included) ends within this many milliseconds. */
	totalTimeoutMs?: number;
}

/**
 * What is known of a request that failed, for callers that must decide whether to try again:
 * - `notSent`: it never reached Ocoya, or Ocoya's rate limit turned it away unprocessed;
 * - `rejected`: Ocoya answered and refused it (4xx), so nothing was created;
 * - `unknown`: it may have been acted on (timeout after sending, broken connection, 5xx, an
 *   unreadable 2xx reply), so a second attempt could duplicate it.
 */
export type RequestOutcome = 'notSent' | 'rejected' | 'unknown';

const outcomes = new WeakMap<object, RequestOutcome>();

/** The outcome of a failed `OcoyaClient.request`; an error the transport did not raise counts as `unknown`. */
export function requestOutcome(error: unknown): RequestOutcome {
	return (error !== null && typeof error === 'object' && outcomes.get(error)) || 'unknown';
}

function withOutcome<E extends Error>(error: E, outcome: RequestOutcome): E {
	outcomes.set(error, outcome);
	return error;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Failures where the connection never carried the request, so sending it again cannot duplicate anything. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const AMBIGUOUS_STATUSES = new Set([500, 502, 503, 504]);

const CONNECT_RETRY_DELAY_MS = 1000;

const MAY_EXIST_HINT =
	'The campaign may have been created; check Ocoya before retrying. The node does not retry this by itself because a second attempt could create a duplicate campaign.';

/**
 * The one door to Ocoya's API: base URL policy, authentication, rate-limit pacing, error mapping
 * and redaction. Every client of one credential in this n8n process shares its pacing.
 */
export class OcoyaClient {
	private constructor(
		private readonly context: OcoyaContext,
		private readonly baseUrl: string,
		private readonly pacer: RateLimitPacer,
	) {}

	static async create(context: OcoyaContext): Promise<OcoyaClient> {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
		// Keyed by the credential's id (its name where n8n gives none), never by the API key.
		const pacingKey = reference?.id ?? `name:${reference?.name ?? ''}`;
		return new OcoyaClient(context, checkedBaseUrl(context, credentials.baseUrl), pacerFor(pacingKey));
	}

	async request(request: OcoyaRequest): Promise<unknown> {
		const start = Date.now();
		const endBy = start + (request.totalTimeoutMs ?? Number.POSITIVE_INFINITY);
		const ticket = {
			order: this.pacer.newOrder(),
			deadline: Math.min(start + request.maxRateLimitWaitMs, endBy),
			signal: this.cancelSignal(),
		};
		let connectRetried = false;

		for (;;) {
			try {
				await this.pacer.acquire(ticket);
			} catch (error) {
				throw withOutcome(
					error instanceof RateLimitWaitTooLong ? this.waitTooLongError(error.waitMs, request) : (error as Error),
					'notSent',
				);
			}

			let response: IN8nHttpFullResponse;
			try {
				response = (await this.context.helpers.httpRequestWithAuthentication.call(
					this.context,
					CREDENTIAL_TYPE,
					{
						method: request.method,
						url: `${this.baseUrl}${request.path}`,
						qs: request.qs,
						body: request.body,
						json: true,
						timeout: Math.max(1, Math.min(request.timeoutMs, endBy - Date.now())),
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
					},
				)) as IN8nHttpFullResponse;
			} catch (error) {
				this.pacer.settle(undefined, Date.now());
				const code = errorCode(error);
				const notSent = code !== undefined && NOT_SENT_CODES.has(code);
				if (notSent && !connectRetried) {
					connectRetried = true;
					await pause(CONNECT_RETRY_DELAY_MS, ticket.signal);
					continue;
				}
				throw withOutcome(this.transportError(error, code, request), notSent ? 'notSent' : 'unknown');
			}

			this.pacer.settle(
				{ headers: response.headers as ResponseHeaders, statusCode: response.statusCode },
				Date.now(),
			);
			// A rate-limited request was not processed: it waits its turn again, within Max Wait.
			if (response.statusCode === 429) continue;
			if (response.statusCode >= 400) {
				const definite = response.statusCode < 500 ? 'rejected' : 'unknown';
				throw withOutcome(this.statusError(response, request), definite);
			}
			return this.readBody(response, request);
		}
	}

	/** A list endpoint answered with something that holds no list. */
	unreadableListError(path: string, itemIndex?: number): NodeApiError {
		return new NodeApiError(
			this.context.getNode(),
			{ message: 'Unreadable list' },
			{
				message: `Could not read the list Ocoya returned for ${path}`,
				description: 'The reply held no list. Check the Base URL in the Ocoya API credential.',
				itemIndex,
			},
		);
	}

	private waitTooLongError(waitMs: number, request: OcoyaRequest): NodeApiError {
		const allowedSeconds = Math.round(request.maxRateLimitWaitMs / 1000);
		const advice = request.createsResource
			? 'Nothing was created for this item (a rate-limited request is not processed): run it again later, or raise Rate Limit: Max Wait in the node’s options.'
			: 'Try again in a minute, or enter the ID with an expression.';
		const more = Number.isFinite(waitMs)
			? `Ocoya asked to wait ${Math.ceil(waitMs / 1000)} s more. `
			: 'Earlier requests with this credential were still waiting for Ocoya. ';
		return new NodeApiError(
			this.context.getNode(),
			{ message: 'Rate limit wait exceeded', httpCode: '429' },
			{
				message: `Ocoya's rate limit did not clear within the allowed wait of ${allowedSeconds} s`,
				description: `${more}It allows 60 requests a minute per API key. ${advice}`,
				httpCode: '429',
				itemIndex: request.itemIndex,
			},
		);
	}

	private cancelSignal(): AbortSignal | undefined {
		return 'getExecutionCancelSignal' in this.context
			? this.context.getExecutionCancelSignal()
			: undefined;
	}

	private readBody(response: IN8nHttpFullResponse, request: OcoyaRequest): unknown {
		const body = response.body;
		const isJson = body !== null && typeof body === 'object';
		// A create is answered with one JSON object (a list reply answers a list); anything else
		// means a proxy or an outage page stood in between.
		if (isJson && !(request.createsResource && Array.isArray(body))) return body;
		const what = isJson ? 'a JSON list, not an object' : 'not JSON';
		throw withOutcome(
			new NodeApiError(
				this.context.getNode(),
				{ message: 'Unreadable reply', httpCode: String(response.statusCode) },
				{
					message: `Ocoya answered HTTP ${response.statusCode} with a reply that is ${what}`,
					description: request.createsResource
						? `Ocoya accepted the request but its reply could not be read. ${MAY_EXIST_HINT}`
						: 'Check the Base URL in the Ocoya API credential.',
					httpCode: String(response.statusCode),
					itemIndex: request.itemIndex,
				},
			),
			request.createsResource ? 'unknown' : 'rejected',
		);
	}

	private statusError(response: IN8nHttpFullResponse, request: OcoyaRequest): NodeApiError {
		const status = response.statusCode;
		const ocoyaMessage = messageOf(response.body);
		const summary = ocoyaMessage ?? STATUS_SUMMARIES[status] ?? `HTTP ${status}`;
		return new NodeApiError(
			this.context.getNode(),
			{ message: summary, httpCode: String(status) },
			{
				message: `Ocoya returned HTTP ${status}: ${summary}`,
				description: statusAdvice(status, request),
				httpCode: String(status),
				itemIndex: request.itemIndex,
			},
		);
	}

	/**
	 * Built from the error code alone: the error n8n hands back keeps the request options,
	 * and with them the API key header.
	 */
	private transportError(
		error: unknown,
		code: string | undefined,
		request: OcoyaRequest,
	): NodeApiError {
		const cancelled = code === 'ERR_CANCELED';
		const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
		const notSent = code !== undefined && NOT_SENT_CODES.has(code);
		const what = cancelled
			? 'The request to Ocoya was cancelled'
			: timedOut
				? `Ocoya did not answer within the Timeout option (${request.timeoutMs} ms)`
				: notSent
					? `Could not connect to Ocoya at ${withoutUserInfo(this.baseUrl)}`
					: 'The connection to Ocoya broke before its reply arrived';
		const advice = notSent
			? 'Nothing was sent. Check the Base URL in the Ocoya API credential and the network between n8n and Ocoya.'
			: request.createsResource
				? MAY_EXIST_HINT
				: 'Try again in a moment.';
		const detail = code ?? redact(messageOf(error) ?? 'unknown error');
		// The code stays out of the message and out of the response object: given either, n8n swaps
		// our message for its generic text for that code, which for ECONNRESET advises an immediate retry.
		const description = `${advice} (${detail})`;
		return new NodeApiError(
			this.context.getNode(),
			{ message: what },
			{ message: what, description, itemIndex: request.itemIndex },
		);
	}
}

const STATUS_SUMMARIES: Record<number, string> = {
	400: 'Invalid request',
	401: 'Missing API token.',
	403: 'Invalid API token.',
	404: 'Not found',
	413: 'Request too large',
	422: 'Request could not be processed',
	500: 'Unknown error',
	502: 'Bad gateway',
	503: 'Service unavailable',
	504: 'Gateway timeout',
};

function statusAdvice(status: number, request: OcoyaRequest): string {
	if (status === 401 || status === 403) {
		return 'Check the API key in the Ocoya API credential: it must be a current token from Ocoya › Settings › API.';
	}
	if (status === 404) {
		return 'Check the workspace and the IDs chosen in the node: Ocoya does not know one of them.';
	}
	if (AMBIGUOUS_STATUSES.has(status) && request.createsResource) {
		return MAY_EXIST_HINT;
	}
	if (status >= 500) {
		return 'Ocoya could not handle the request. Try again in a moment.';
	}
	return 'Ocoya rejected the request as sent. Check the node parameters named in the message.';
}

/** Ocoya's error replies carry `{ message }`; a proxy's may be HTML or empty. */
function messageOf(body: unknown): string | undefined {
	if (body !== null && typeof body === 'object' && 'message' in body) {
		const { message } = body as JsonObject;
		if (typeof message === 'string' && message.trim() !== '') return message.trim();
	}
	return undefined;
}

/**
 * Waits `ms`, or rejects as soon as the execution is cancelled. n8n-workflow's `sleep` takes the
 * signal only since 2.x; n8n 1.x (n8n-workflow 1.120) has `sleep(ms)` and silently ignores a second
 * argument, so a cancelled execution would sit out the whole rate-limit wait. Racing the signal
 * here behaves the same on both.
 */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
	if (signal === undefined) return await sleep(ms);
	const cancelled = (): Error =>
		signal.reason instanceof Error ? signal.reason : new Error('The execution was cancelled');
	if (signal.aborted) throw cancelled();
	let onAbort = (): void => undefined;
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(cancelled());
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms, signal), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
		const { code } = current as { code?: unknown };
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Removes the API key and any user-info of a URL (`https://user:pass@host`) from a text. */
function redact(text: string): string {
	return withoutUserInfo(text).replace(/(x-api-key["':=\s]+)[^\s"',}]+/gi, '$1[redacted]');
}

function withoutUserInfo(text: string): string {
	return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1');
}

function checkedBaseUrl(context: OcoyaContext, configured: unknown): string {
	const raw = typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : DEFAULT_BASE_URL;
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new NodeOperationError(context.getNode(), `The Base URL "${redact(raw)}" in the Ocoya API credential is not a valid URL`, {
			description: `Use ${DEFAULT_BASE_URL} unless you go through a proxy.`,
		});
	}
	const loopback = LOOPBACK_HOSTS.has(url.hostname);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
		throw new NodeOperationError(
			context.getNode(),
			`Refusing to send the Ocoya API key to ${url.origin}: the Base URL must use https`,
			{
				description:
					'Plain http would expose the API key on the network. It is allowed only for localhost, 127.0.0.1 and ::1 (a local test server). Fix the Base URL in the Ocoya API credential.',
			},
		);
	}
	return raw.replace(/\/+$/, '');
}
