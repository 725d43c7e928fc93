// Command reloadbench measures a SIGHUP on a large LVS configuration,
// govrrpd beside keepalived 2.2.7, inside the IPVS VM of test/kernel
// (keepalived's checker exits on a host without ip_vs): issue #16's
// "reload at scale". It writes bench/genconf.py's 10,000 virtual servers ×
// 10 real servers with TCP_CHECK, starts each daemon as the checker alone
// (-C) on it, waits until the kernel holds every service and real server,
// then sends SIGHUP four times: with the file unchanged, with one real
// server's weight changed, with one real server removed from the first
// virtual server and one from the last (keepalived's reload walks the
// virtual servers in order and applies as it goes: the first edit reaches
// its kernel first, the last one last). keepalived is started afresh for
// each (-fresh), so that a reload it has not finished does not run into
// the next. For each it prints how long the daemon took — govrrpd: until
// its CPU went quiet, the change was in the kernel and its "IPVS applied"
// line written; keepalived: until the change was in the kernel, and until
// its parent's "Reload complete" line (every child has read the file, the
// checker has applied IPVS) and the change, or "> cap" when not within
// -apply-max — how many IPVS operations govrrpd made and how many table
// entries changed. A one-change case is judged against keepalived's
// change in the kernel, the stricter reading; the ratio against its
// "Reload complete" is printed beside it.
//
// Tooling, not product: nothing outside tools/ and test/ imports it.
package main
