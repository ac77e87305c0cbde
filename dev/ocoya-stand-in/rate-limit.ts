/** A fixed-window rate limiter per API key, shaped like Ocoya's 60 requests a minute. */

export interface RateLimitOptions {
	limit: number;
	windowMs: number;
	/**
	 * How `X-RateLimit-Reset` is written. Ocoya does not document it, so tests can check
	 * the node copes with each common convention. Default 'epoch-seconds'.
	 */
	resetFormat?: 'epoch-seconds' | 'epoch-ms' | 'seconds-from-now';
}

export interface RateLimitDecision {
	allowed: boolean;
	headers: Record<string, string>;
}

interface Window {
	count: number;
	resetsAt: number;
}

export class FixedWindowLimiter {
	private windows = new Map<string, Window>();

	constructor(private readonly options: RateLimitOptions) {
		if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error('rateLimit.limit must be a positive integer');
		if (!(options.windowMs > 0)) throw new Error('rateLimit.windowMs must be positive');
	}

	/** Counts one request for `key` and says whether it is within the limit. */
	hit(key: string, now = Date.now()): RateLimitDecision {
		let window = this.windows.get(key);
		if (window === undefined || now >= window.resetsAt) {
			window = { count: 0, resetsAt: now + this.options.windowMs };
			this.windows.set(key, window);
		}
		window.count += 1;
		return {
			allowed: window.count <= this.options.limit,
			headers: {
				'X-RateLimit-Limit': String(this.options.limit),
				'X-RateLimit-Remaining': String(Math.max(0, this.options.limit - window.count)),
				'X-RateLimit-Reset': this.formatReset(window.resetsAt, now),
			},
		};
	}

	clear(): void {
		this.windows.clear();
	}

	private formatReset(resetsAt: number, now: number): string {
		switch (this.options.resetFormat ?? 'epoch-seconds') {
			case 'epoch-ms':
				return String(resetsAt);
			case 'seconds-from-now':
				return String(Math.ceil((resetsAt - now) / 1000));
			case 'epoch-seconds':
				return String(Math.ceil(resetsAt / 1000));
		}
	}
}
