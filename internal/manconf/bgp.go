package manconf

import (
	"github.com/govrrpd/govrrpd/internal/roff"
)

// BGPKey is one keyword of the --bgp-config file as the manual explains it.
type BGPKey struct {
	Block, Keyword, Args, Meaning string
}

// BGPKeys is the --bgp-config file's keywords; TestBGPKeysMatchParser
// holds it equal to the parser's tables.
var BGPKeys = []BGPKey{
	{"", "bgp", "{ ... }", "This director's identity; required, once."},
	{"bgp", "local_as", "AS", "Its AS number: 1-4294967295, or HIGH.LOW (RFC 6793). Required."},
	{"bgp", "router_id", "IPV4", "Its BGP identifier. Required."},
	{"bgp", "listen_port", "PORT", "Accept sessions on PORT. Off by default: the director connects out to its neighbours."},
	{"bgp", "listen_address", "IP", "Address of that listener (default all)."},
	{"bgp", "shutdown_grace", "SECONDS", "On SIGTERM, how long to wait for every neighbour to have the withdrawals before the IPVS table goes (default 2)."},
	{"", "neighbor", "IP { ... }", "A BGP peer (a router); one block per peer."},
	{"neighbor", "remote_as", "AS", "The peer's AS; equal to local_as for iBGP. Required."},
	{"neighbor", "port", "PORT", "The peer's TCP port (default 179)."},
	{"neighbor", "hold_time", "SECONDS", "Proposed hold time: 0 or 3-65535 (default 9); the session takes the smaller of both sides'."},
	{"neighbor", "keepalive_interval", "SECONDS", "Keepalive interval, below hold_time (default 3)."},
	{"neighbor", "password", "KEY", "TCP MD5 signature key (RFC 2385). Never logged, dumped or shown by the API."},
	{"neighbor", "local_address", "IP", "Source address of the session."},
	{"neighbor", "passive", "[BOOL]", "Wait for the peer to connect (needs listen_port)."},
	{"neighbor", "ebgp_multihop", "TTL", "eBGP to a peer TTL hops away (1-255)."},
	{"neighbor", "bfd", "", "Refused: GoBGP, the BGP engine, has no BFD; a dead peer is found by its hold time."},
	{"", "announce", "PREFIX [{ ... }]", "Announce the IPv4 PREFIX (an address alone is a /32) while every condition in its block holds; without a block, always. The next hop is the session's local address."},
	{"announce", "virtual_server", "IP PORT [TCP|UDP|SCTP] | fwmark N | group NAME [TCP|UDP|SCTP]", "Condition: that keepalived.conf virtual_server (protocol TCP unless given) has quorum. Lost quorum withdraws the prefix."},
	{"announce", "vrrp_instance", "NAME", "Condition: that instance is MASTER."},
	{"announce", "community", "AS:VALUE ...", "RFC 1997 communities sent with the prefix."},
	{"announce", "med", "N", "MULTI_EXIT_DISC sent with the prefix; lower is preferred."},
	{"announce", "as_path_prepend", "N", "Repeat the local AS N more times (0-16), to make this director a backup for the prefix."},
}

// writeBGP is the section on the --bgp-config file.
func writeBGP(p *roff.Page) {
	p.Section("bgp configuration file")
	p.Para("`govrrpd --bgp-config FILE` announces virtual servers over BGP (GoBGP as the engine) so that several directors carry them at once. " +
		"FILE has keepalived.conf's syntax and preprocessor (include, @ID lines, $PARAM, ~SEQ) but is govrrpd's alone: " +
		"an unknown keyword or a bad value is an error naming FILE:LINE, and the file is refused (at start govrrpd exits; on SIGHUP the running BGP settings stay). " +
		"A condition naming a virtual server or instance that keepalived.conf does not have is refused as well. " +
		"An announced virtual server (no vrrp_instance condition: several directors at once) is told, without refusal, what breaks connections the router moves between directors: " +
		"lb_kind NAT, a scheduler other than mh or sh, mh without inhibit_on_failure, mh with alpha; and once running, net.ipv4.vs.sloppy_tcp left at 0 (set it on every director). " +
		"SIGHUP re-reads it with keepalived.conf; only the neighbours and announcements that changed are touched.")
	for _, k := range BGPKeys {
		tag := roff.Bold(k.Keyword)
		if k.Args != "" {
			tag += " " + roff.Escape(k.Args)
		}
		if k.Block != "" {
			tag = roff.Escape(k.Block+": ") + tag
		}
		p.Item(tag, k.Meaning)
	}
	p.Example("bgp {", "    local_as 65001", "    router_id 192.0.2.11", "}",
		"neighbor 198.51.100.1 {", "    remote_as 65000", "    hold_time 9", "    keepalive_interval 3", "}",
		"announce 192.0.2.200/32 {", "    virtual_server 192.0.2.200 80", "}")
}
