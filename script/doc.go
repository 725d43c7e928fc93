// Package script holds the command settings shared by every subsystem that
// runs external programs (vrrp_script, notify_*, MISC_CHECK, quorum_up, ...).
//
// It is a pure type package: parsing keepalived's quoting lives in confparse
// and execution lives in the daemon wiring, so that vrrp, ipvs and check can
// carry commands in their settings without importing either.
//
// A domain package: it imports nothing of govrrpd (test/deps enforces it),
// and has no tests of its own because it has no behaviour; confparse's
// tests cover how commands are read.
package script
