package ipvs

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func TestSyncConfigFor(t *testing.T) {
	base := func() *SyncDaemon {
		return &SyncDaemon{Interface: "eth1", Instance: "VI_1", ID: -1, Port: 8848, TTL: 1}
	}
	cases := []struct {
		name string
		edit func(*SyncDaemon)
		want SyncConfig
		err  string
	}{
		{"defaults: id is the VRID", nil,
			SyncConfig{Interface: "eth1", SyncID: 51, Group: DefaultSyncGroup, Port: 8848, TTL: 1}, ""},
		{"explicit id 0 is kept", func(s *SyncDaemon) { s.ID = 0 },
			SyncConfig{Interface: "eth1", SyncID: 0, Group: DefaultSyncGroup, Port: 8848, TTL: 1}, ""},
		{"every option", func(s *SyncDaemon) { s.ID, s.MaxLen, s.Port, s.TTL, s.Group = 7, 1400, 9000, 3, "239.1.2.3" },
			SyncConfig{Interface: "eth1", SyncID: 7, MaxLen: 1400, Group: netip.MustParseAddr("239.1.2.3"), Port: 9000, TTL: 3}, ""},
		{"IPv6 group", func(s *SyncDaemon) { s.Group = "ff05::81" },
			SyncConfig{Interface: "eth1", SyncID: 51, Group: netip.MustParseAddr("ff05::81"), Port: 8848, TTL: 1}, ""},
		{"unset port and ttl fall back to the kernel's", func(s *SyncDaemon) { s.Port, s.TTL = 0, 0 },
			SyncConfig{Interface: "eth1", SyncID: 51, Group: DefaultSyncGroup, Port: 8848, TTL: 1}, ""},
		{"unicast group", func(s *SyncDaemon) { s.Group = "192.0.2.1" }, SyncConfig{}, "not a multicast"},
		{"long interface", func(s *SyncDaemon) { s.Interface = "eth0123456789abc" }, SyncConfig{}, "interface name"},
		{"no interface", func(s *SyncDaemon) { s.Interface = "" }, SyncConfig{}, "interface name"},
		{"id too big", func(s *SyncDaemon) { s.ID = 256 }, SyncConfig{}, "outside"},
		{"maxlen too big", func(s *SyncDaemon) { s.MaxLen = 65508 }, SyncConfig{}, "outside"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sd := base()
			if tc.edit != nil {
				tc.edit(sd)
			}
			got, err := SyncConfigFor(sd, 51)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v\nwant %+v", got, err, tc.want)
			}
		})
	}
	if _, err := SyncConfigFor(nil, 1); err == nil {
		t.Error("nil settings accepted")
	}
}

// syncErrnoCases are the kernel's answers (net/netfilter/ipvs/ip_vs_ctl.c
// and ip_vs_sync.c); TestKernelSyncErrnos runs the same table in the VM.
// ifname must exist and carry an IPv4 address.
func runSyncErrnoCases(t *testing.T, ifname string, newBackend func(t *testing.T) SyncBackend) {
	cfg := func(s SyncState) SyncConfig {
		return SyncConfig{State: s, Interface: ifname, SyncID: 9, Group: DefaultSyncGroup, Port: 8848, TTL: 1}
	}
	type step struct {
		start *SyncConfig
		stop  SyncState
		want  error
	}
	start := func(c SyncConfig, want error) step { return step{start: &c, want: want} }
	stop := func(s SyncState, want error) step { return step{stop: s, want: want} }
	bad := cfg(SyncBackup)
	bad.Interface = "nosuch9"
	uni := cfg(SyncMaster)
	uni.Group = netip.MustParseAddr("192.0.2.9")
	cases := []struct {
		name  string
		steps []step
	}{
		{"stop master when none", []step{stop(SyncMaster, syscall.ESRCH)}},
		{"stop backup when none", []step{stop(SyncBackup, syscall.ESRCH)}},
		{"start backup twice", []step{start(cfg(SyncBackup), nil), start(cfg(SyncBackup), syscall.EEXIST), stop(SyncBackup, nil)}},
		{"start master twice", []step{start(cfg(SyncMaster), nil), start(cfg(SyncMaster), syscall.EEXIST), stop(SyncMaster, nil)}},
		{"master and backup together", []step{start(cfg(SyncMaster), nil), start(cfg(SyncBackup), nil),
			stop(SyncMaster, nil), stop(SyncBackup, nil), stop(SyncBackup, syscall.ESRCH)}},
		{"unknown interface", []step{start(bad, syscall.ENODEV)}},
		{"unicast group", []step{start(uni, syscall.EINVAL)}},
		{"bad state", []step{start(cfg(3), syscall.EINVAL)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBackend(t)
			for i, s := range tc.steps {
				var err error
				if s.start != nil {
					err = b.StartSyncDaemon(*s.start)
				} else {
					err = b.StopSyncDaemon(s.stop)
				}
				if !errors.Is(err, s.want) || (err != nil) != (s.want != nil) {
					t.Fatalf("step %d: err = %v, want %v", i, err, s.want)
				}
			}
			if ds, err := b.SyncDaemons(); err != nil || len(ds) != 0 {
				t.Errorf("left running: %v, %v", ds, err)
			}
		})
	}
}

func TestMemorySyncErrnos(t *testing.T) {
	runSyncErrnoCases(t, "eth1", func(*testing.T) SyncBackend {
		m := NewMemorySync()
		m.Interfaces = map[string]bool{"eth1": true}
		return m
	})
}

func TestMemorySyncReadBack(t *testing.T) {
	m := NewMemorySync()
	c := SyncConfig{State: SyncBackup, Interface: "eth1", SyncID: 4}
	if err := m.StartSyncDaemon(c); err != nil {
		t.Fatal(err)
	}
	ds, _ := m.SyncDaemons()
	want := SyncConfig{State: SyncBackup, Interface: "eth1", SyncID: 4, Group: DefaultSyncGroup, Port: 8848, TTL: 1}
	if len(ds) != 1 || ds[0] != want {
		t.Fatalf("read back %+v, want the kernel's defaults filled in: %+v", ds, want)
	}
}

// TestSyncSwitch follows the instance through keepalived's transitions and
// checks the exact commands sent.
func TestSyncSwitch(t *testing.T) {
	cfg := SyncConfig{Interface: "eth1", SyncID: 51, Group: DefaultSyncGroup, Port: 8848, TTL: 1}
	cases := []struct {
		name      string
		leftovers []SyncState
		master    bool
		ops       func(s *SyncSwitch) error
		log       []string
		final     SyncState
	}{
		{"start as backup", nil, false, nil, []string{"start backup"}, SyncBackup},
		{"start as master (owner)", nil, true, nil, []string{"start master"}, SyncMaster},
		{"leftovers of a crash are stopped first", []SyncState{SyncMaster, SyncBackup}, false, nil,
			[]string{"stop master", "stop backup", "start backup"}, SyncBackup},
		{"become master", nil, false, func(s *SyncSwitch) error { return s.Master() },
			[]string{"start backup", "stop backup", "start master"}, SyncMaster},
		{"master twice is one switch", nil, false, func(s *SyncSwitch) error { return errors.Join(s.Master(), s.Master()) },
			[]string{"start backup", "stop backup", "start master"}, SyncMaster},
		{"leave master", nil, false, func(s *SyncSwitch) error { return errors.Join(s.Master(), s.Backup()) },
			[]string{"start backup", "stop backup", "start master", "stop master", "start backup"}, SyncBackup},
		{"backup to fault changes nothing", nil, false, func(s *SyncSwitch) error { return s.Backup() },
			[]string{"start backup"}, SyncBackup},
		{"stop as master", nil, false, func(s *SyncSwitch) error { return errors.Join(s.Master(), s.Stop()) },
			[]string{"start backup", "stop backup", "start master", "stop master"}, 0},
		{"stop twice", nil, false, func(s *SyncSwitch) error { return errors.Join(s.Stop(), s.Stop()) },
			[]string{"start backup", "stop backup"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMemorySync()
			for _, st := range tc.leftovers {
				c := cfg
				c.State = st
				if err := m.StartSyncDaemon(c); err != nil {
					t.Fatal(err)
				}
			}
			m.Log = nil
			s := NewSyncSwitch(m, cfg)
			err := s.Start(tc.master)
			if err == nil && tc.ops != nil {
				err = tc.ops(s)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(m.Log, tc.log) {
				t.Errorf("commands %q, want %q", m.Log, tc.log)
			}
			if s.State() != tc.final {
				t.Errorf("state %v, want %v", s.State(), tc.final)
			}
			ds, _ := m.SyncDaemons()
			if (tc.final == 0) != (len(ds) == 0) || (len(ds) == 1 && (ds[0].State != tc.final || ds[0].SyncID != 51)) {
				t.Errorf("kernel holds %+v", ds)
			}
		})
	}
}

// TestSyncSwitchErrors: a failed start is reported with the daemon's
// settings and leaves no daemon recorded as ours.
func TestSyncSwitchErrors(t *testing.T) {
	m := NewMemorySync()
	m.Interfaces = map[string]bool{}
	s := NewSyncSwitch(m, SyncConfig{Interface: "eth9", SyncID: 1})
	err := s.Start(false)
	if !errors.Is(err, syscall.ENODEV) || !strings.Contains(err.Error(), "mcast=eth9") {
		t.Fatalf("err = %v", err)
	}
	if s.State() != 0 {
		t.Errorf("state %v after a failed start", s.State())
	}
	if err := s.Stop(); err != nil {
		t.Errorf("stop with nothing running: %v", err)
	}
}
