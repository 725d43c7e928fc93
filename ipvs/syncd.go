package ipvs

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=SyncState -output=syncd_string.go

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// SyncState is the role of a kernel IPVS sync daemon. The kernel runs at
// most one of each per network namespace, and both may run at once.
type SyncState uint32

// The values are the kernel's IP_VS_STATE_MASTER and IP_VS_STATE_BACKUP.
const (
	SyncMaster SyncState = 1 // master
	SyncBackup SyncState = 2 // backup
)

// The kernel's defaults (net/netfilter/ipvs/ip_vs_sync.c). govrrpd sends
// them explicitly so that what GET_DAEMON reads back equals what was set.
const (
	DefaultSyncPort = 8848
	DefaultSyncTTL  = 1
)

// DefaultSyncGroup is the kernel's IPv4 sync multicast group.
var DefaultSyncGroup = netip.MustParseAddr("224.0.0.81")

// ifNameMax is IP_VS_IFNAME_MAXLEN: an interface name and its NUL.
const ifNameMax = 16

// SyncConfig is one kernel sync daemon as IPVS_CMD_NEW_DAEMON carries it.
// MaxLen 0 lets the kernel derive the payload size from the interface MTU.
type SyncConfig struct {
	State     SyncState
	Interface string
	SyncID    uint8
	MaxLen    uint16
	Group     netip.Addr
	Port      uint16
	TTL       uint8
}

func (c SyncConfig) String() string {
	return fmt.Sprintf("%s sync daemon (mcast=%s, syncid=%d, maxlen=%d, group=%s, port=%d, ttl=%d)",
		c.State, c.Interface, c.SyncID, c.MaxLen, c.Group, c.Port, c.TTL)
}

// SyncBackend starts, stops and lists kernel sync daemons. SyncKernel is
// the kernel's, MemorySync an in-memory one with the kernel's errnos.
type SyncBackend interface {
	StartSyncDaemon(SyncConfig) error
	StopSyncDaemon(SyncState) error
	SyncDaemons() ([]SyncConfig, error)
}

// SyncConfigFor resolves lvs_sync_daemon against the VRID of its driving
// instance: keepalived's sync id defaults to that VRID, and the multicast
// options to the kernel's defaults.
func SyncConfigFor(sd *SyncDaemon, vrid uint8) (SyncConfig, error) {
	if sd == nil {
		return SyncConfig{}, errors.New("lvs_sync_daemon not configured")
	}
	c := SyncConfig{Interface: sd.Interface, SyncID: vrid, Group: DefaultSyncGroup,
		Port: DefaultSyncPort, TTL: DefaultSyncTTL}
	if sd.Interface == "" || len(sd.Interface) >= ifNameMax {
		return c, fmt.Errorf("lvs_sync_daemon: interface name %q: %w", sd.Interface, syscall.EINVAL)
	}
	if sd.ID >= 0 {
		if sd.ID > 255 {
			return c, fmt.Errorf("lvs_sync_daemon: id %d outside [0, 255]", sd.ID)
		}
		c.SyncID = uint8(sd.ID)
	}
	if sd.MaxLen < 0 || sd.MaxLen > 65535-20-8 {
		return c, fmt.Errorf("lvs_sync_daemon: maxlen %d outside [1, 65507]", sd.MaxLen)
	}
	c.MaxLen = uint16(sd.MaxLen)
	if sd.Port > 0 && sd.Port <= 65535 {
		c.Port = uint16(sd.Port)
	}
	if sd.TTL > 0 && sd.TTL <= 255 {
		c.TTL = uint8(sd.TTL)
	}
	if sd.Group != "" {
		g, err := netip.ParseAddr(sd.Group)
		if err != nil || !g.IsMulticast() {
			return c, fmt.Errorf("lvs_sync_daemon: group %q is not a multicast address", sd.Group)
		}
		c.Group = g
	}
	return c, nil
}

// checkSyncConfig is what the kernel refuses before starting a thread
// (ip_vs_genl_new_daemon, start_sync_thread).
func checkSyncConfig(c SyncConfig) error {
	switch {
	case c.State != SyncMaster && c.State != SyncBackup:
		return syscall.EINVAL
	case c.Interface == "" || len(c.Interface) >= ifNameMax:
		return syscall.EINVAL
	case c.Group.IsValid() && !c.Group.IsMulticast():
		return syscall.EINVAL
	}
	return nil
}

// MemorySync records sync daemons the way the kernel keeps them, for unit
// tests of whatever drives them. It is not safe for concurrent use.
type MemorySync struct {
	running map[SyncState]SyncConfig
	// Interfaces, when set, are the interfaces that exist; starting a
	// daemon on another one fails with ENODEV, as in the kernel.
	Interfaces map[string]bool
	// Log lists every successful command, e.g. "start backup", "stop master".
	Log []string
}

// NewMemorySync returns a namespace with no sync daemon running.
func NewMemorySync() *MemorySync { return &MemorySync{running: map[SyncState]SyncConfig{}} }

// StartSyncDaemon answers EEXIST when a daemon of that state runs already.
func (m *MemorySync) StartSyncDaemon(c SyncConfig) error {
	if err := checkSyncConfig(c); err != nil {
		return err
	}
	if m.Interfaces != nil && !m.Interfaces[c.Interface] {
		return syscall.ENODEV
	}
	if _, ok := m.running[c.State]; ok {
		return syscall.EEXIST
	}
	if !c.Group.IsValid() {
		c.Group = DefaultSyncGroup
	}
	if c.Port == 0 {
		c.Port = DefaultSyncPort
	}
	if c.TTL == 0 {
		c.TTL = DefaultSyncTTL
	}
	m.running[c.State] = c
	m.Log = append(m.Log, "start "+c.State.String())
	return nil
}

// StopSyncDaemon answers ESRCH when no daemon of that state runs.
func (m *MemorySync) StopSyncDaemon(s SyncState) error {
	if s != SyncMaster && s != SyncBackup {
		return syscall.EINVAL
	}
	if _, ok := m.running[s]; !ok {
		return syscall.ESRCH
	}
	delete(m.running, s)
	m.Log = append(m.Log, "stop "+s.String())
	return nil
}

// SyncDaemons lists the running daemons, master first, as the kernel does.
func (m *MemorySync) SyncDaemons() ([]SyncConfig, error) {
	var out []SyncConfig
	for _, s := range []SyncState{SyncMaster, SyncBackup} {
		if c, ok := m.running[s]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}
