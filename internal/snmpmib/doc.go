// Package snmpmib turns the daemon's status snapshot (internal/status) into
// the SNMP objects keepalived serves: its own KEEPALIVED-MIB (global,
// instances, sync groups, virtual and real servers), the VRRPv3-MIB of
// RFC 6527 (every instance, as Debian's keepalived build answers it) and
// the VRRP-MIB of RFC 2787 for VRRPv2 IPv4 instances, with keepalived's indexes, units and state codes so that
// a walk of govrrpd reads as a walk of keepalived with the same
// configuration. It also builds the notifications keepalived sends.
//
// Pure: a View is a sorted table built from one snapshot, with no sockets
// and no clocks; internal/snmpagent answers the master agent from it.
// Columns come from the snapshot, or from the configuration's settings
// the agent passes in Host (preempt, auth, VIPs, virtual server settings);
// where neither says what a column needs (scripts, the SMTP server, up
// times) the column is not served: an absent object, never a made-up
// value. Its golden test (mib_test.go) walks a fixed snapshot into
// testdata/walk.golden (regenerated with -update).
package snmpmib
