// Package plan says what a reload from one configuration to another would
// change — instances (and whether each keeps its VRRP state), VIPs,
// routes, rules, virtual and real servers with the exact IPVS operations
// the reconciler would issue, checkers — without changing anything. It
// backs `govrrpd plan`: online (the daemon compares its running
// configuration) and offline (--from old.conf).
//
// The reload's own matching rules live here (Key, KeepsState) so that the
// daemon and the plan cannot disagree about which instance is which.
package plan
