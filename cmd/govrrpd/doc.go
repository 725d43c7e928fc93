// Command govrrpd is a drop-in replacement for keepalived: VRRP, IPVS and
// health checking from the same keepalived.conf, flags and signals.
//
// It holds the command line (keepalived's flags and signals, -t, --dump-conf,
// import-lvs, genhash) and hands the configuration to internal/daemon. Its
// tests (cli_test.go, importlvs_test.go, genhash_test.go) run the command in
// process; the lab tests in test/lab run the built binary.
package main
