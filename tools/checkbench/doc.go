// Command checkbench measures health-checker daemons side by side:
// keepalived 2.2.7's checker (keepalived -C) and govrrpd -C run in turn on
// the same generated keepalived.conf (N real servers with TCP_CHECK)
// against the same loopback listeners, and it prints CPU seconds, peak RSS
// and how many checks arrived on time. keepalived's checker needs ip_vs, so
// bench/check-vm.sh runs this inside the IPVS VM of test/kernel.
//
// Tooling, not product: nothing outside tools/ and test/ imports it.
// testdata/three.conf is the configuration the tests use.
package main
