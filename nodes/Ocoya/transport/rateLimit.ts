import { sleep } from 'n8n-workflow';

/** Response headers as n8n's request helper returns them: lower-cased names. */
export type ResponseHeaders = Record<string, string | string[] | number | undefined>;

const EPOCH_MS_THRESHOLD = 1e12;
const EPOCH_SECONDS_THRESHOLD = 1e9;
const MAX_BACKOFF_MS = 30_000;
const BACKOFF_BASE_MS = 1000;

/** The `Date` header has whole seconds, so offsets within this say nothing about skew. */
const DATE_RESOLUTION_MS = 1000;

/**
 * Shortest wait before a rate-limited request goes again. A 429 whose headers work out to no wait
 * (a reset already past, `Retry-After: 0`) would otherwise be re-sent at once, over and over.
 */
const MIN_RETRY_DELAY_MS = 500;

/**
 * Replies of one window can disagree on its end by this much: `X-RateLimit-Reset` in seconds from
 * now is rounded per reply. A reset later than the known one by more starts a new window.
 */
const SAME_WINDOW_TOLERANCE_MS = 1000;

/** The pacing loop re-checks at least this often, so it never relies on one long timer. */
const MAX_PUMP_SLEEP_MS = 60_000;

/**
 * How far ahead a window's reset is believed. Ocoya's window is one minute; a reset further out
 * than ten windows is a misread unit, a proxy's rewrite or a broken clock, and believing it
 * would stop every request of the key for hours. Such a reset is set aside: a valid Retry-After
 * is used instead, else the window counts as unknown (one request at a time) and a 429 backs off.
 */
export const MAX_BELIEVED_RESET_MS = 10 * 60_000;

/**
 * Replies without any rate-limit header in a row, all successes, before the key counts as not
 * limited at all. One such reply is typically a proxy's or load balancer's page, not Ocoya's.
 */
export const HEADERLESS_SUCCESSES_FOR_UNLIMITED = 3;

/** Pacing states kept for keys not in use; active ones are never dropped. */
const MAX_IDLE_PACERS = 100;

function header(headers: ResponseHeaders, name: string): string | undefined {
	const value = headers[name];
	if (Array.isArray(value)) return value[0];
	return value === undefined ? undefined : String(value);
}

function numberHeader(headers: ResponseHeaders, name: string): number | undefined {
	const value = header(headers, name);
	if (value === undefined || value.trim() === '') return undefined;
	const n = Number(value);
	return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * How far the server's clock is ahead of this host's (negative: behind), as one reply's `Date`
 * header shows it. The header is truncated to the second and is read after it was written, so
 * this is the smallest the true offset can be: converting the server's times with it never
 * makes a request early. Undefined without a readable `Date`.
 */
export function serverClockOffsetMs(headers: ResponseHeaders, now: number): number | undefined {
	const date = header(headers, 'date');
	if (date === undefined) return undefined;
	const serverNow = Date.parse(date);
	return Number.isNaN(serverNow) ? undefined : serverNow - now;
}

/**
 * The clock offset to read the server's times with, given the one in use and a new reply's. Every
 * reading is a lower bound of the true offset, and reading the server's times with a lower bound
 * never releases a request early. A reading up to a second ahead gives 0 (also a lower bound: a
 * server in step); a reading behind, however small, is kept, since 0 would be above it and could
 * release up to a second early. Beyond the header's resolution, the largest recent reading wins.
 */
export function refinedClockOffsetMs(current: number, reading: number | undefined): number {
	if (reading === undefined) return current;
	if (reading >= 0 && reading <= DATE_RESOLUTION_MS) return 0;
	if (current !== 0 && Math.abs(reading - current) < DATE_RESOLUTION_MS) return Math.max(current, reading);
	return reading;
}

/**
 * Ocoya's docs do not fix the unit of X-RateLimit-Reset, and proxies rewrite it, so the
 * magnitude decides: epoch milliseconds, epoch seconds (both on the server's clock, converted
 * to ours with `clockOffsetMs`), or seconds from now.
 */
export function parseRateLimitReset(
	value: string | undefined,
	now: number,
	clockOffsetMs = 0,
): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) return undefined;
	if (n >= EPOCH_MS_THRESHOLD) return n - clockOffsetMs;
	if (n >= EPOCH_SECONDS_THRESHOLD) return n * 1000 - clockOffsetMs;
	return now + n * 1000;
}

/** Retry-After is either delta-seconds or an HTTP date on the server's clock (RFC 9110 §10.2.3). */
export function parseRetryAfter(
	value: string | undefined,
	now: number,
	clockOffsetMs = 0,
): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return seconds >= 0 ? now + seconds * 1000 : undefined;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : date - clockOffsetMs;
}

/** What one reply says about the key's rate limit, with times on this host's clock. */
export interface RateLimitReading {
	limit?: number;
	remaining?: number;
	/** When the current window ends. */
	resetAt?: number;
	/** When a rate-limited request may go again, as the reply says (reset, else Retry-After). */
	retryAt?: number;
}

/**
 * Reads one reply; `clockOffsetMs` converts the server's epoch times to this host's clock. A reset
 * more than `MAX_BELIEVED_RESET_MS` ahead is not believed (undefined). When a rate-limited request
 * may go again: the later of a reset still ahead and a valid Retry-After (the longer honest wait);
 * a reset already past never wins over Retry-After.
 */
export function readRateLimit(headers: ResponseHeaders, now: number, clockOffsetMs = 0): RateLimitReading {
	const parsedReset = parseRateLimitReset(header(headers, 'x-ratelimit-reset'), now, clockOffsetMs);
	const resetAt = parsedReset !== undefined && parsedReset - now <= MAX_BELIEVED_RESET_MS ? parsedReset : undefined;
	const retryAfter = parseRetryAfter(header(headers, 'retry-after'), now, clockOffsetMs);
	const believedRetryAfter = retryAfter !== undefined && retryAfter - now <= MAX_BELIEVED_RESET_MS ? retryAfter : undefined;
	const ahead = [resetAt, believedRetryAfter].filter((at): at is number => at !== undefined && at > now);
	return {
		limit: numberHeader(headers, 'x-ratelimit-limit'),
		remaining: numberHeader(headers, 'x-ratelimit-remaining'),
		resetAt,
		retryAt: ahead.length > 0 ? Math.max(...ahead) : (resetAt ?? believedRetryAfter),
	};
}

/**
 * How long to wait after a 429 before the next request: what the reply says, but never less
 * than a short floor; a reply that says nothing usable (no header, or a time already past) gets
 * exponential backoff instead.
 */
export function retryDelayAfter429Ms(retryAt: number | undefined, now: number, attempt: number): number {
	const said = retryAt === undefined ? 0 : retryAt - now;
	return said >= MIN_RETRY_DELAY_MS ? said : backoffDelayMs(attempt);
}

/** Exponential backoff with full jitter, never below the retry floor. */
export function backoffDelayMs(attempt: number): number {
	const ceiling = Math.min(MAX_BACKOFF_MS, BACKOFF_BASE_MS * 2 ** (Math.max(1, attempt) - 1));
	return Math.max(MIN_RETRY_DELAY_MS, Math.round(ceiling / 2 + (Math.random() * ceiling) / 2));
}

/** A request left the pacing queue without being sent: its Max Wait would be exceeded. */
export class RateLimitWaitTooLong extends Error {
	constructor(readonly waitMs: number) {
		super('Rate limit wait exceeded');
	}
}

export interface PacingTicket {
	/** Arrival order: a request sent again after a 429 keeps its place in the queue. */
	readonly order: number;
	/** Latest time (epoch ms) this request may be released; later, it leaves with `RateLimitWaitTooLong`. */
	readonly deadline: number;
	readonly signal?: AbortSignal;
}

interface Waiter {
	ticket: PacingTicket;
	resolve: () => void;
	reject: (error: Error) => void;
	detach: () => void;
}

/**
 * The pacing state of one credential within this n8n process, shared by every execution, item
 * and dropdown load that uses it. Requests are released in arrival order:
 * - while the window is unknown (first use, or its reset has passed) one request goes alone and
 *   its reply teaches the window, so several processes on one key do not burst into a new window;
 * - in a known window, what `X-RateLimit-Remaining` allows (net of our requests in flight) is
 *   spread over the time left, so other clients on the same key (queue-mode workers) see the
 *   budget shrink in the replies and slow down in step instead of colliding at the end;
 * - a 429 (ours or caused by another client) blocks every request until its retry time;
 * - the server's epoch times are read on its own clock, as its `Date` header shows it.
 * Any reply updates the state, whichever request it answers.
 */
export class RateLimitPacer {
	private windowResetAt?: number;
	private remaining = 0;
	private unlimited = false;
	private headerlessSuccesses = 0;
	private blockedUntil = 0;
	private consecutive429s = 0;
	private inFlight = 0;
	private lastSentAt = 0;
	private queue: Waiter[] = [];
	private pumping = false;
	private wake?: () => void;
	private nextOrder = 0;
	private clockOffsetMs = 0;

	newOrder(): number {
		return this.nextOrder++;
	}

	get idle(): boolean {
		return this.queue.length === 0 && this.inFlight === 0;
	}

	/** Resolves when the request may be sent; the caller must then call `settle` exactly once. */
	async acquire(ticket: PacingTicket): Promise<void> {
		const { signal } = ticket;
		if (signal?.aborted) throw cancelledError(signal);
		await new Promise<void>((resolve, reject) => {
			const waiter: Waiter = { ticket, resolve, reject, detach: () => undefined };
			if (signal !== undefined) {
				const onAbort = (): void => {
					this.remove(waiter);
					reject(cancelledError(signal));
					this.poke();
				};
				signal.addEventListener('abort', onAbort, { once: true });
				waiter.detach = () => signal.removeEventListener('abort', onAbort);
			}
			const at = this.queue.findIndex((queued) => queued.ticket.order > ticket.order);
			this.queue.splice(at === -1 ? this.queue.length : at, 0, waiter);
			this.poke();
		});
	}

	/** Records how a released request ended: its reply's headers and status, or none when no reply came. */
	settle(reply: { headers: ResponseHeaders; statusCode: number } | undefined, now: number): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
		if (reply !== undefined) this.observe(reply.headers, reply.statusCode, now);
		this.poke();
	}

	private observe(headers: ResponseHeaders, statusCode: number, now: number): void {
		this.clockOffsetMs = refinedClockOffsetMs(this.clockOffsetMs, serverClockOffsetMs(headers, now));
		const reading = readRateLimit(headers, now, this.clockOffsetMs);
		const headerless =
			reading.remaining === undefined &&
			reading.limit === undefined &&
			header(headers, 'x-ratelimit-reset') === undefined &&
			header(headers, 'retry-after') === undefined;
		// Only successes without any rate-limit header, several in a row, mean nothing limits this
		// key: an error page (a proxy's 502) or one odd endpoint says nothing about Ocoya's limit.
		this.headerlessSuccesses = headerless && statusCode >= 200 && statusCode < 300 ? this.headerlessSuccesses + 1 : 0;
		this.unlimited = this.headerlessSuccesses >= HEADERLESS_SUCCESSES_FOR_UNLIMITED;
		if (reading.remaining !== undefined) {
			const budget = reading.remaining - this.inFlight;
			const known = this.windowResetAt;
			if (reading.resetAt === undefined) {
				this.windowResetAt = undefined;
			} else if (known === undefined || now >= known || reading.resetAt > known + SAME_WINDOW_TOLERANCE_MS) {
				this.windowResetAt = reading.resetAt;
				this.remaining = budget;
			} else if (reading.resetAt >= known - SAME_WINDOW_TOLERANCE_MS) {
				// Replies of one window may arrive out of order: the lowest count is the latest.
				this.remaining = Math.min(this.remaining, budget);
			}
		}
		if (statusCode === 429) {
			this.consecutive429s++;
			const delay = retryDelayAfter429Ms(reading.retryAt, now, this.consecutive429s);
			this.blockedUntil = Math.max(this.blockedUntil, now + delay);
			this.remaining = 0;
		} else {
			this.consecutive429s = 0;
		}
	}

	/** Earliest time the next request may go; Infinity while a lone request is still teaching the window. */
	private nextReleaseAt(now: number): number {
		if (now < this.blockedUntil) return this.blockedUntil;
		if (this.unlimited) return now;
		const resetAt = this.windowResetAt;
		if (resetAt === undefined || now >= resetAt) return this.inFlight > 0 ? Number.POSITIVE_INFINITY : now;
		if (this.remaining <= 0) return resetAt;
		return Math.max(now, this.lastSentAt + (resetAt - this.lastSentAt) / (this.remaining + 1));
	}

	private release(waiter: Waiter, now: number): void {
		this.remove(waiter);
		this.inFlight++;
		this.lastSentAt = now;
		if (this.windowResetAt !== undefined && now < this.windowResetAt) this.remaining--;
		waiter.resolve();
	}

	private remove(waiter: Waiter): void {
		const index = this.queue.indexOf(waiter);
		if (index !== -1) this.queue.splice(index, 1);
		waiter.detach();
	}

	private poke(): void {
		this.wake?.();
		if (!this.pumping) void this.pump();
	}

	private async pump(): Promise<void> {
		this.pumping = true;
		try {
			while (this.queue.length > 0) {
				const now = Date.now();
				const releaseAt = this.nextReleaseAt(now);
				for (const waiter of [...this.queue]) {
					const tooLate =
						releaseAt > now &&
						(releaseAt === Number.POSITIVE_INFINITY ? waiter.ticket.deadline < now : releaseAt > waiter.ticket.deadline);
					if (tooLate) {
						this.remove(waiter);
						waiter.reject(new RateLimitWaitTooLong(Math.max(0, releaseAt - now)));
					}
				}
				const head = this.queue[0];
				if (head === undefined) break;
				if (releaseAt <= now) {
					this.release(head, now);
					continue;
				}
				const firstDeadline = Math.min(...this.queue.map((waiter) => waiter.ticket.deadline));
				await this.sleepUntil(Math.min(releaseAt, firstDeadline + 1) - now);
			}
		} finally {
			this.pumping = false;
		}
	}

	/** Sleeps, or returns early when a reply, an arrival or a cancellation may change the schedule. */
	private async sleepUntil(ms: number): Promise<void> {
		const timer = new AbortController();
		const woken = new Promise<void>((resolve) => {
			this.wake = resolve;
		});
		const slept = sleep(Math.max(1, Math.min(ms, MAX_PUMP_SLEEP_MS)), timer.signal).catch(() => undefined);
		await Promise.race([woken, slept]);
		this.wake = undefined;
		timer.abort();
	}
}

function cancelledError(signal: AbortSignal): Error {
	return signal.reason instanceof Error ? signal.reason : new Error('The execution was cancelled');
}

const pacers = new Map<string, RateLimitPacer>();

/**
 * The pacing state for one gate (a digest of the Base URL and API key, never the key). Module
 * state is shared by every execution in this process; idle entries beyond a bound are dropped,
 * oldest use first.
 */
export function pacerFor(gate: string): RateLimitPacer {
	let pacer = pacers.get(gate);
	if (pacer !== undefined) {
		pacers.delete(gate);
	} else {
		pacer = new RateLimitPacer();
		let idleCount = 0;
		for (const entry of pacers.values()) if (entry.idle) idleCount++;
		for (const [id, entry] of pacers) {
			if (idleCount < MAX_IDLE_PACERS) break;
			if (entry.idle) {
				pacers.delete(id);
				idleCount--;
			}
		}
	}
	pacers.set(gate, pacer);
	return pacer;
}
