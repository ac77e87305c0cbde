/**
 * The `e2e-n8n1` project's global set-up: the same as `global-setup.ts`, under a path of its own.
 * Jest runs one global set-up per distinct module path, with the config of the first project that
 * names it, so two projects sharing one path would install only one line's n8n app; the other
 * line's suites would then install theirs inside a hook with a time limit (and time out).
 */
export { default } from './global-setup';
