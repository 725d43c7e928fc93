package status

import "time"

// BGP is the --bgp-config side of a director: its sessions and what it
// announces, with why. Absent when govrrpd runs without --bgp-config.
type BGP struct {
	LocalAS       uint32            `json:"local_as"`
	RouterID      string            `json:"router_id"`
	Neighbors     []BGPNeighbor     `json:"neighbors"`
	Announcements []BGPAnnouncement `json:"announcements"`
	// Down says why the BGP helper process is not running the settings
	// (it died and is being restarted): no session, nothing announced.
	Down string `json:"down,omitempty"`
}

// BGPNeighbor is one session. No password, ever.
type BGPNeighbor struct {
	Addr string `json:"addr"`
	AS   uint32 `json:"as"`
	// State is RFC 4271's: IDLE, CONNECT, ACTIVE, OPENSENT, OPENCONFIRM,
	// ESTABLISHED.
	State string `json:"state"`
	// Since is when the session was last established (zero if never);
	// Uptime counts from there while it is ESTABLISHED.
	Since            time.Time `json:"since,omitzero"`
	Uptime           Duration  `json:"uptime"`
	HoldTime         Duration  `json:"hold_time"` // negotiated, 0 until established
	PrefixesSent     uint64    `json:"prefixes_sent"`
	PrefixesReceived uint64    `json:"prefixes_received"`
}

// BGPAnnouncement is one announce block and its verdict.
type BGPAnnouncement struct {
	Prefix    string `json:"prefix"`
	Announced bool   `json:"announced"`
	// Since is the last change between announced and withdrawn.
	Since      time.Time      `json:"since,omitzero"`
	Conditions []BGPCondition `json:"conditions"`
	At         string         `json:"at"` // file:line of the announce block
}

// BGPCondition is one condition of an announcement as last judged.
type BGPCondition struct {
	Condition string `json:"condition"` // "virtual_server TCP 192.0.2.200:80 has quorum"
	Holds     bool   `json:"holds"`
}
