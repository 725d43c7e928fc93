// Command govrrpd is a drop-in replacement for keepalived: VRRP, IPVS and
// health checking from the same keepalived.conf, flags and signals.
//
// It holds the command line (keepalived's flags and signals, -t, --dump-conf,
// import-lvs-cf, man) and hands the configuration to internal/daemon. The
// commands that need HTTP or TLS — status, plan, ctl, genhash (-T) — are
// carried out by cmd/govrrpd-ops, which govrrpd execs in its place
// (opsexec.go), so that the daemon's binary does not link that code.
// Its tests (cli_test.go, importlvs_test.go) run the command in process;
// opsexec_test.go builds govrrpd and govrrpd-ops and runs them as
// processes; the lab tests in test/lab run the built binaries.
package main
