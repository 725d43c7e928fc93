// Package snmpagent is govrrpd's AgentX sub-agent (RFC 2741): what
// keepalived's -x and enable_snmp_* start. It connects to the host's SNMP
// master agent (Debian's snmpd) over its AgentX socket, registers the
// trees the configuration enables (internal/snmpmib), answers Get,
// GetNext and GetBulk from the daemon's status snapshot, refuses sets, and
// sends keepalived's notifications when enable_traps is on: instance and
// sync group state changes, the RFC new-master traps, real server changes.
//
// The master agent may start after govrrpd, restart, or be absent: the
// agent reconnects with a backoff and the daemon never waits on it. It
// learns of state changes through daemon.Observer (the notify queue's
// events and the checkers' real-server actions); its tests run it against
// a fake master agent on a socket pair (agent_test.go), and test/lab runs
// it under snmpd.
package snmpagent
