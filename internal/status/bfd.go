package status

import "net/netip"

// BFDSession is one bfd_instance's session: what an operator checks when
// a track_bfd or BFD_CHECK holds something down.
type BFDSession struct {
	Name     string     `json:"name"`
	Neighbor netip.Addr `json:"neighbor"`
	// State and RemoteState are RFC 5880's AdminDown, Down, Init, Up;
	// Diag is the local diagnostic of the last change
	// (detection-time-expired, neighbor-signaled-down, ...).
	State       string `json:"state"`
	RemoteState string `json:"remote_state"`
	Diag        string `json:"diag"`
	// TxInterval and DetectTime are the negotiated values now, in ms.
	TxInterval float64 `json:"tx_interval_ms"`
	DetectTime float64 `json:"detect_time_ms"`
}
