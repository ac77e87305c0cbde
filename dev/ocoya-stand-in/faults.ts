/** Scripted misbehaviour for the stand-in: a FIFO queue of faults matched by method and path. */

/** Which requests a fault applies to. An omitted field matches anything. */
export interface FaultMatch {
	/** HTTP method, any case. */
	method?: string;
	/** Path below the base path, e.g. `/campaigns` or `/workspaces` (no query string). */
	path?: string;
}

/**
 * One scripted behaviour. Anything that sets a reply (`status`, `body`, `rawBody`,
 * `headers`, `contentType`) replaces the stand-in's own reply: no key check, no rate
 * limiting, no rejection. A fault with only `delayMs` slows the reply and then lets the
 * request be handled normally.
 */
export interface Fault {
	/** Defaults to `{ method: 'POST', path: '/campaigns' }`; use `{}` to match every request. */
	match?: FaultMatch;
	/** How many matching requests it applies to; default 1. */
	times?: number | 'forever';
	/** Wait this long (after the body is read) before acting. */
	delayMs?: number;
	/**
	 * Destroy the socket instead of replying: before reading the body, after reading it (nothing
	 * done), or after handling it ('after-handling': the stand-in's own reply is worked out, so a
	 * post is created, rescheduled or deleted, and then the reply is lost, as when a connection
	 * breaks after the server acted). 'after-handling' cannot be combined with a scripted reply.
	 */
	reset?: 'before-body' | 'after-body' | 'after-handling';
	/** Reply status; defaults to 200 when a reply is scripted. */
	status?: number;
	headers?: Record<string, string>;
	/** Object → JSON; string → sent verbatim (text/plain unless `contentType`). Omitted → `{ message: <status text> }`. */
	body?: unknown;
	/** Sent byte for byte, labelled application/json unless `contentType`; use for broken JSON or `''`. */
	rawBody?: string;
	contentType?: string;
}

interface QueuedFault {
	fault: Fault;
	remaining: number | 'forever';
}

const DEFAULT_MATCH: FaultMatch = { method: 'POST', path: '/campaigns' };

/** True when the fault decides the reply itself rather than only delaying it. */
export function scriptsReply(fault: Fault): boolean {
	return (
		fault.status !== undefined ||
		fault.body !== undefined ||
		fault.rawBody !== undefined ||
		fault.headers !== undefined ||
		fault.contentType !== undefined
	);
}

export class FaultQueue {
	private queue: QueuedFault[] = [];

	constructor(private readonly basePath: string) {}

	add(fault: Fault): void {
		const times = fault.times ?? 1;
		if (times !== 'forever' && (!Number.isInteger(times) || times < 1)) {
			throw new Error(`Fault times must be a positive integer or 'forever', got ${String(times)}`);
		}
		// A fault that does nothing is almost certainly a typo in a test.
		if (!scriptsReply(fault) && fault.reset === undefined && fault.delayMs === undefined) {
			throw new Error('Fault has no effect: set status/body/rawBody/headers, reset or delayMs');
		}
		if (fault.reset === 'after-handling' && scriptsReply(fault)) {
			throw new Error("A fault with reset 'after-handling' uses the stand-in's own handling; it cannot script a reply");
		}
		this.queue.push({ fault, remaining: times });
	}

	/** Consumes one use of the first queued fault matching this request, if any. */
	take(method: string, path: string): Fault | undefined {
		const index = this.queue.findIndex((entry) => this.matches(entry.fault.match ?? DEFAULT_MATCH, method, path));
		if (index === -1) return undefined;
		const entry = this.queue[index];
		if (entry.remaining !== 'forever') {
			entry.remaining -= 1;
			if (entry.remaining === 0) this.queue.splice(index, 1);
		}
		return entry.fault;
	}

	/** Number of faults still queued ('forever' ones count as one). */
	get pending(): number {
		return this.queue.length;
	}

	clear(): void {
		this.queue = [];
	}

	private matches(match: FaultMatch, method: string, path: string): boolean {
		if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false;
		if (match.path === undefined) return true;
		// Accept full paths too, since tests often copy them from a URL.
		const wanted = match.path.startsWith(this.basePath + '/') ? match.path.slice(this.basePath.length) : match.path;
		return wanted === path;
	}
}
