// Command scalebench measures what thousands of VRRP instances cost: two
// routers in network namespaces joined back to back by veth links, 255
// VRIDs on each link (16 links: 4,080 instances per router), r1 priority
// 150 and r2 100, run first by govrrpd and then by keepalived with the
// same files. For each it prints the CPU (% of one core, from
// /proc/PID/stat over a window after settling), the RSS (keepalived: the
// sum of its processes), and the time from start until r1 holds every VIP
// and r2 none, beside keepalived's figure, the ratio, issue #12's target
// and pass/miss. Needs root; bench/scale.sh runs it.
package main
