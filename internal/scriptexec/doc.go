// Package scriptexec runs the external commands keepalived.conf names
// (notify scripts, vrrp_script, MISC_CHECK, quorum_up/down) the way
// keepalived runs them: argv exec'd directly when argv[0] is an executable
// file, otherwise the whole string through /bin/sh -c; in its own process
// group, as the configured user, killed whole on timeout.
//
// It imports script only; exec_test.go runs real commands (process groups,
// timeouts, the argv-or-shell rule).
package scriptexec
