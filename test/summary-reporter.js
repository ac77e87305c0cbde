/**
 * Ends every jest run with the plain "N passed, N failed" line that CI reads, counted from
 * jest's own aggregated results.
 */
class SummaryReporter {
	onRunComplete(_contexts, results) {
		const skipped = results.numPendingTests + results.numTodoTests;
		// A suite that fails to load has no failed tests of its own; count it so it cannot pass silently.
		const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
		const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
		// Written at exit so it stays the last line, after jest's own summary.
		process.once('exit', () => process.stdout.write(`\n${line}\n`));
	}
}

module.exports = SummaryReporter;
