// Command reloadbench measures a SIGHUP on a large LVS configuration,
// govrrpd beside keepalived 2.2.7, inside the IPVS VM of test/kernel
// (keepalived's checker exits on a host without ip_vs): issue #16's
// "reload at scale". It writes bench/genconf.py's 10,000 virtual servers ×
// 10 real servers with TCP_CHECK, starts each daemon as the checker alone
// (-C) on it, waits until the kernel holds every service and real server,
// then sends SIGHUP twice: once with the file unchanged and once with one
// real server's weight changed. For each it prints how long the daemon
// took (until its CPU went quiet; with the change, until the new weight
// was in the kernel), how many IPVS operations govrrpd made (its "IPVS
// applied" log line) and how many table entries changed.
//
// Tooling, not product: nothing outside tools/ and test/ imports it.
package main
