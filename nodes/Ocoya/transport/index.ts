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

import { sha256Hex } from './fingerprint';
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
	/** What a create makes, for its messages ("The post may have been created"); default 'campaign'. */
	resourceName?: string;
	/**
	 * A create call is not idempotent: when a failure leaves it unknown whether Ocoya acted,
	 * the error must say so and nothing may be retried.
	 */
	createsResource: boolean;
	/**
	 * Safe to send again (reads, Reschedule, Delete): after a timeout, a reset connection or a
	 * 502/503/504 it is retried at most twice, 1 s then 2 s later, through the gate. A failed
	 * request tells how often it was sent with `attemptsOf`.
	 */
	idempotent?: boolean;
	/**
	 * A 2xx reply with no body (204, or an empty 200/201) is a success: `request` resolves to
	 * `undefined`. Without it an empty body is an unreadable reply.
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

const attempts = new WeakMap<object, number>();

/**
 * How many times the failed request was sent (0 when it never left the gate). A Delete whose retry
 * gets a 404 reads it as "deleted": its first attempt may have deleted the post.
 */
export function attemptsOf(error: unknown): number {
	return (error !== null && typeof error === 'object' && attempts.get(error)) || 0;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** No connection was made: worth one more try a second later, and certainly nothing was sent. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The TLS handshake failed, which happens before the request is written to the socket: nothing
 * was sent. Certificate checks (OpenSSL's verify codes as Node names them), Node's own TLS checks
 * (`ERR_TLS_CERT_ALTNAME_INVALID`, ...), OpenSSL protocol errors (`ERR_SSL_*`) and `EPROTO`, the
 * handshake's protocol failure.
 */
const TLS_CODES = new Set([
	'CERT_CHAIN_TOO_LONG',
	'CERT_HAS_EXPIRED',
	'CERT_NOT_YET_VALID',
	'CERT_REJECTED',
	'CERT_REVOKED',
	'CERT_SIGNATURE_FAILURE',
	'CERT_UNTRUSTED',
	'CRL_HAS_EXPIRED',
	'CRL_NOT_YET_VALID',
	'CRL_SIGNATURE_FAILURE',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'EPROTO',
	'ERROR_IN_CERT_NOT_AFTER_FIELD',
	'ERROR_IN_CERT_NOT_BEFORE_FIELD',
	'ERROR_IN_CRL_LAST_UPDATE_FIELD',
	'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
	'HOSTNAME_MISMATCH',
	'INVALID_CA',
	'INVALID_PURPOSE',
	'PATH_LENGTH_EXCEEDED',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
	'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
	'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
	'UNABLE_TO_GET_CRL',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** Failures where the connection never carried the request, so sending it again cannot duplicate anything. */
function isNotSentCode(code: string | undefined): boolean {
	if (code === undefined) return false;
	return CONNECT_CODES.has(code) || TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_');
}

/** Worth a retry of a request that is safe to repeat: it timed out, or its connection broke. */
const RETRYABLE_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);
const RETRYABLE_STATUSES = new Set([502, 503, 504]);
/** Pauses before the retries of a request that is safe to repeat. */
const IDEMPOTENT_RETRY_DELAYS_MS = [1000, 2000];

const CONNECT_RETRY_DELAY_MS = 1000;

/** Node's timers read any delay above 2^31 - 1 ms as 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

function mayExistHint(noun: string): string {
	return `The ${noun} may have been created; check Ocoya before retrying. The node does not retry this by itself because a second attempt could create a duplicate ${noun}.`;
}

/**
 * The one door to Ocoya's API: base URL policy, authentication, rate-limit pacing, error mapping
 * and redaction. Every client of one credential in this n8n process shares its pacing.
 */
export class OcoyaClient {
	private constructor(
		private readonly context: OcoyaContext,
		private readonly baseUrl: BaseUrl,
		private readonly pacer: RateLimitPacer,
	) {}

	static async create(context: OcoyaContext): Promise<OcoyaClient> {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		const baseUrl = checkedBaseUrl(context, credentials.baseUrl);
		const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
		return new OcoyaClient(context, baseUrl, pacerFor(gateKey(baseUrl.value, apiKey)));
	}

	async request(request: OcoyaRequest): Promise<unknown> {
		const start = Date.now();
		const endBy = start + (request.totalTimeoutMs ?? Number.POSITIVE_INFINITY);
		const ticket = {
			order: this.pacer.newOrder(),
			deadline: Math.min(start + request.maxRateLimitWaitMs, endBy),
			signal: this.cancelSignal(),
		};
		let sent = 0;
		let connectRetried = false;
		let retries = 0;
		const failed = <E extends Error>(error: E, outcome: RequestOutcome): E => {
			attempts.set(error, sent);
			return withOutcome(error, outcome);
		};
		/** Waits before a retry; a cancellation during the wait ends the call with what is known so far. */
		const pauseBeforeRetry = async (ms: number, outcomeIfCancelled: RequestOutcome): Promise<void> => {
			try {
				await pause(ms, ticket.signal);
			} catch (error) {
				throw failed(error as Error, outcomeIfCancelled);
			}
		};
		// Outcome of the attempts so far, for a call that ends without a new one.
		let outcomeSoFar: RequestOutcome = 'notSent';

		for (;;) {
			try {
				await this.pacer.acquire(ticket);
			} catch (error) {
				throw failed(
					error instanceof RateLimitWaitTooLong ? this.waitTooLongError(error.waitMs, request) : (error as Error),
					outcomeSoFar,
				);
			}

			let response: IN8nHttpFullResponse;
			try {
				sent++;
				response = (await this.context.helpers.httpRequestWithAuthentication.call(
					this.context,
					CREDENTIAL_TYPE,
					{
						method: request.method,
						url: `${this.baseUrl.value}${request.path}`,
						qs: request.qs,
						arrayFormat: 'repeat',
						body: request.body,
						json: true,
						timeout: Math.max(1, Math.min(request.timeoutMs, endBy - Date.now(), MAX_TIMER_MS)),
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
					},
				)) as IN8nHttpFullResponse;
			} catch (error) {
				this.pacer.settle(undefined, Date.now());
				const code = errorCode(error);
				const notSent = isNotSentCode(code);
				if (notSent) {
					// Nothing reached Ocoya: this attempt does not count as sent.
					sent--;
					if (code !== undefined && CONNECT_CODES.has(code) && !connectRetried) {
						connectRetried = true;
						await pauseBeforeRetry(CONNECT_RETRY_DELAY_MS, outcomeSoFar);
						continue;
					}
					throw failed(this.transportError(error, code, request), outcomeSoFar);
				}
				if (request.idempotent && code !== undefined && RETRYABLE_CODES.has(code) && retries < IDEMPOTENT_RETRY_DELAYS_MS.length) {
					outcomeSoFar = 'unknown';
					await pauseBeforeRetry(IDEMPOTENT_RETRY_DELAYS_MS[retries++], outcomeSoFar);
					continue;
				}
				throw failed(this.transportError(error, code, request), 'unknown');
			}

			this.pacer.settle(
				{ headers: response.headers as ResponseHeaders, statusCode: response.statusCode },
				Date.now(),
			);
			// A rate-limited request was not processed: it waits its turn again, within Max Wait.
			if (response.statusCode === 429) {
				sent--;
				continue;
			}
			if (request.idempotent && RETRYABLE_STATUSES.has(response.statusCode) && retries < IDEMPOTENT_RETRY_DELAYS_MS.length) {
				outcomeSoFar = 'unknown';
				await pauseBeforeRetry(IDEMPOTENT_RETRY_DELAYS_MS[retries++], outcomeSoFar);
				continue;
			}
			if (response.statusCode >= 400) {
				// Ocoya refused this attempt; an earlier one of a repeated request may still have acted.
				const outcome = response.statusCode >= 500 || outcomeSoFar === 'unknown' ? 'unknown' : 'rejected';
				throw failed(this.statusError(response, request), outcome);
			}
			return this.readBody(response, request, sent);
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
			: 'Earlier requests with this API key were still waiting for Ocoya. ';
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

	private readBody(response: IN8nHttpFullResponse, request: OcoyaRequest, sent: number): unknown {
		const body = response.body;
		if (request.emptyReplyAllowed && isEmptyBody(body)) return undefined;
		const isJson = body !== null && typeof body === 'object';
		// A create is answered with one JSON object (a list reply answers a list); anything else
		// means a proxy or an outage page stood in between.
		if (isJson && !(request.createsResource && Array.isArray(body))) return body;
		const what = isJson ? 'a JSON list, not an object' : 'not JSON';
		const error = withOutcome(
			new NodeApiError(
				this.context.getNode(),
				{ message: 'Unreadable reply', httpCode: String(response.statusCode) },
				{
					message: `Ocoya answered HTTP ${response.statusCode} with a reply that is ${what}`,
					description: request.createsResource
						? `Ocoya accepted the request but its reply could not be read. ${mayExistHint(nounOf(request))}`
						: 'Check the Base URL in the Ocoya API credential.',
					httpCode: String(response.statusCode),
					itemIndex: request.itemIndex,
				},
			),
			request.createsResource ? 'unknown' : 'rejected',
		);
		attempts.set(error, sent);
		throw error;
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
		const notSent = isNotSentCode(code);
		const tls = notSent && code !== undefined && !CONNECT_CODES.has(code);
		const what = cancelled
			? 'The request to Ocoya was cancelled'
			: timedOut
				? `Ocoya did not answer within the Timeout option (${request.timeoutMs} ms)`
				: tls
					? `Could not open a secure connection to Ocoya at ${this.baseUrl.shown}`
					: notSent
						? `Could not connect to Ocoya at ${this.baseUrl.shown}`
						: 'The connection to Ocoya broke before its reply arrived';
		const advice = tls
			? 'Nothing was sent: the server’s TLS certificate or protocol was refused before the request was written. Check the Base URL in the Ocoya API credential, and any proxy between n8n and Ocoya (a proxy’s own certificate must be trusted by n8n, e.g. through NODE_EXTRA_CA_CERTS).'
			: notSent
				? 'Nothing was sent. Check the Base URL in the Ocoya API credential and the network between n8n and Ocoya.'
				: request.createsResource
					? mayExistHint(nounOf(request))
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
	// Any 5xx, a CDN's 520-524 included, may come after the server acted.
	if (status >= 500 && request.createsResource) {
		return mayExistHint(nounOf(request));
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

function nounOf(request: OcoyaRequest): string {
	return request.resourceName ?? 'campaign';
}

/** A reply with nothing in it, as n8n's helper hands it over with `json: true`. */
function isEmptyBody(body: unknown): boolean {
	if (body === undefined || body === null) return true;
	return typeof body === 'string' && body.trim() === '';
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

/** Drops the user-info of URLs in a text; a password may itself contain `@`, so it runs to the last one before the host. */
function withoutUserInfo(text: string): string {
	return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi, '$1');
}

interface BaseUrl {
	/** As configured, without trailing slashes: what requests are sent to. */
	value: string;
	/** For messages: rebuilt from the parsed URL without user name and password. */
	shown: string;
}

/**
 * The rate-limit gate of a Base URL and API key: Ocoya limits per key. The name is a digest, so
 * the key is kept nowhere new and cannot be read back from it.
 */
export function gateKey(baseUrl: string, apiKey: string): string {
	return sha256Hex(`ocoya-gate\u0000${baseUrl}\u0000${apiKey}`);
}

function checkedBaseUrl(context: OcoyaContext, configured: unknown): BaseUrl {
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
	const value = raw.replace(/\/+$/, '');
	url.username = '';
	url.password = '';
	return { value, shown: url.href.replace(/\/+$/, '') };
}
