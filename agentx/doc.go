// Package agentx is the AgentX protocol (RFC 2741) as a codec: the PDUs a
// sub-agent exchanges with an SNMP master agent (Debian's snmpd), their
// object identifiers, octet strings, varbinds and search ranges, in either
// byte order on the way in and network byte order on the way out.
//
// keepalived serves its MIBs as an AgentX sub-agent of the host's snmpd,
// and operators' monitoring reads VRRP state and receives VRRP traps that
// way; govrrpd does the same through this package. No maintained Go AgentX
// library is served by the module proxy, so the codec lives here, with no
// sockets and no clocks: the sub-agent (internal/snmpagent) owns the
// connection, internal/snmpmib the MIB tables.
//
// A domain package: it imports nothing of govrrpd (test/deps enforces it).
// Its tests are table tests of every PDU against hand-written bytes
// (codec_test.go) and FuzzDecode, which feeds arbitrary bytes to Decode
// and re-encodes what it accepts.
package agentx
