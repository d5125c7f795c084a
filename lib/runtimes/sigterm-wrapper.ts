/**
 * A POSIX sh wrapper for a server whose own process installs no SIGTERM handler. As a container's PID 1 such a
 * process would ignore the kubelet's SIGTERM (the kernel delivers to PID 1 only the signals it handles) and be
 * SIGKILLed at the end of the grace period, mid-request. The wrapper is PID 1 instead: it starts the server in the
 * background, traps SIGTERM and SIGINT and runs `onTerm` (with `$server` the server's pid), then exits with the
 * server's status. While it waits, the shell also reaps orphaned processes that the kernel re-parents to it
 * (dash `src/jobs.c` `waitproc`: `wait3` for any child), so no pod needs a shared process namespace.
 */

/**
 * The wrapper script for `sh -c <script> <program> <args...>`: `$0` is the program name (unused), `$@` its
 * arguments. A SIGTERM that arrives before the server has a pid stops it as soon as it has one.
 */
export function sigtermWrapper(program: string, onTerm: string): string {
  return [
    'server=',
    'stopping=0',
    `trap 'stopping=1; if [ -n "$server" ]; then ${onTerm}; fi' TERM INT`,
    `${program} "$@" &`,
    'server=$!',
    `if [ "$stopping" = 1 ]; then ${onTerm}; fi`,
    'wait "$server"; status=$?',
    // the trap interrupted the first wait: collect the server's own status once it has stopped
    'if [ "$stopping" = 1 ]; then wait "$server"; status=$?; fi',
    'exit "$status"',
  ].join('\n');
}
