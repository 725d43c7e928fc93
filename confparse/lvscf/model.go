package lvscf

import "net/netip"

// Host is an address-valued key as written and as resolved. Piranha
// resolves host names while parsing, so the resolved address is what ran.
type Host struct {
	Text string
	Addr netip.Addr // zero when unset
	// Resolved is true when Text was a name, not an inet_aton literal.
	Resolved bool
}

// IsSet reports whether the key gave an address other than 0.0.0.0, which
// the GUI writes for "none".
func (h Host) IsSet() bool { return h.Addr.IsValid() && !h.Addr.IsUnspecified() }

// Config is a whole lvs.cf with Piranha's parser defaults applied.
type Config struct {
	// Seen maps each global key present in the file to its (last) line.
	Seen map[string]int

	SerialNo         int
	Primary          Host
	PrimaryPrivate   Host
	PrimaryShared    string
	Service          string // lvs | fos
	BackupActive     bool
	Backup           Host
	BackupPrivate    Host
	BackupShared     string
	Heartbeat        bool
	HeartbeatPort    int
	Keepalive        int
	Deadtime         int
	ReservationCA    string // reservation_conflict_action
	DebugLevel       string
	RshCommand       string
	Network          string // nat | direct | tunnel
	NATRouter        Host
	NATRouterDev     string
	NATNmask         netip.Addr // zero when unset
	ActiveCmd        string
	InactiveCmd      string
	MonitorLinks     int
	SyncDaemon       bool
	SyncdIface       string
	SyncdID          int
	TCPTimeout       int
	TCPFinTimeout    int
	UDPTimeout       int
	HardShutdown     bool
	IPVSAdm          string
	Sync             bool
	Virtuals         []*Virtual
	Failovers        []*Virtual
	EndedInsideBlock bool
}

// Virtual is a `virtual` or `failover` block; Piranha parses both with the
// same code and accepts the same keys in each.
type Virtual struct {
	Name string
	Line int
	// Seen maps each key present in the block to its (last) line.
	Seen map[string]int

	Active        bool
	Address       Host
	Device        string
	VIPNmask      netip.Addr // zero when unset or 0.0.0.0
	Port          int
	Protocol      string // tcp | udp
	FWMark        int
	Scheduler     string
	Persistent    int
	PMask         netip.Addr // zero when unset, invalid or 255.255.255.255
	SorryServer   netip.Addr
	Send          string // as lvsd hands it to nanny (single quotes kept)
	Expect        string
	UseRegex      bool
	SendProgram   string
	Timeout       int
	Reentry       int
	Quiesce       bool
	LoadMonitor   string
	ClientMonitor string
	StartCmd      string
	StopCmd       string
	Master        Host
	Dirs          string
	Servers       []*Server
}

// Server is a `server` block inside a virtual.
type Server struct {
	Name    string
	Line    int
	Seen    map[string]int
	Address Host
	Active  bool
	Weight  int
	// Port is the effective port: the server's own `port`, or the
	// virtual's port as it stood when the `server` line was read.
	Port int
	// PortExplicit is false when Port was inherited.
	PortExplicit bool
}

func newConfig() *Config {
	return &Config{
		Seen:          map[string]int{},
		Service:       "lvs",
		HeartbeatPort: 539,
		Keepalive:     2,
		Deadtime:      5,
		DebugLevel:    "NONE",
		RshCommand:    "rsh",
		Network:       "nat",
		SyncdIface:    "eth0",
		HardShutdown:  true,
		IPVSAdm:       "/sbin/ipvsadm",
	}
}

// newVirtual applies lvsInitVirtualServer's defaults.
func newVirtual(name string, line int) *Virtual {
	return &Virtual{
		Name: name, Line: line, Seen: map[string]int{},
		Port: 80, Protocol: "tcp", Scheduler: "wlc",
		Timeout: 10, Reentry: 180, LoadMonitor: "none",
		ClientMonitor: "/usr/sbin/nanny",
	}
}

func newServer(name string, line, port int) *Server {
	return &Server{Name: name, Line: line, Seen: map[string]int{}, Weight: 1, Port: port}
}
