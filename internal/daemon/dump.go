package daemon

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// dumpDir is where keepalived writes its signal dumps: $TMPDIR if it is an
// absolute path, else /tmp.
func dumpDir() string {
	if t := os.Getenv("TMPDIR"); filepath.IsAbs(t) {
		return t
	}
	return "/tmp"
}

// dump writes a signal dump atomically (temp file + rename, mode 0600 as
// keepalived's umask gives), so a reader never sees half a file, as
// keepalived 2.2.7 does.
func (d *Daemon) dump(name string, content []byte) {
	dir := dumpDir()
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		d.log.Error("dump", "file", name, "err", err)
		return
	}
	_, werr := f.Write(content)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(f.Name())
		d.log.Error("dump", "file", name, "err", fmt.Sprint(werr, cerr))
		return
	}
	os.Chmod(f.Name(), 0o600)
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		os.Remove(f.Name())
		d.log.Error("dump", "file", name, "err", err)
		return
	}
	d.log.Info("dump written", "file", filepath.Join(dir, name))
}

// statsText is SIGUSR2's format, block for block as keepalived 2.2.7
// writes it (runtime.md §3.1).
func (d *Daemon) statsText() []byte {
	var b strings.Builder
	for _, in := range d.insts {
		s := &in.stats
		dr := s.keepalivedCount
		fmt.Fprintf(&b, "VRRP Instance: %s\n", in.cfg.Name)
		fmt.Fprintf(&b, "  Advertisements:\n    Received: %d\n    Sent: %d\n", s.advertRcvd, s.advertSent)
		fmt.Fprintf(&b, "  Became master: %d\n  Released master: %d\n", s.becomeMaster, s.releaseMaster)
		fmt.Fprintf(&b, "  Packet Errors:\n    Length: %d\n    TTL: %d\n    Invalid Type: %d\n    Advertisement Interval: %d\n    Address List: %d\n",
			dr(vrrp.RxLength), dr(vrrp.RxTTL), dr(vrrp.RxType), dr(vrrp.RxInterval), dr(vrrp.RxAddrList))
		fmt.Fprintf(&b, "  Authentication Errors:\n    Invalid Type: %d\n    Type Mismatch: %d\n    Failure: %d\n",
			dr(vrrp.RxAuthInvalid), dr(vrrp.RxAuthMismatch), dr(vrrp.RxAuthPass))
		if in.cfg.AuthHMAC != nil {
			authHMACStats(&b, dr)
		}
		fmt.Fprintf(&b, "  Priority Zero:\n    Received: %d\n    Sent: %d\n", s.priZeroRcvd, s.priZeroSent)
		writeDrops(&b, "  ", s.drops)
	}
	for _, k := range d.sockKeys() {
		if s := d.socks[k]; len(s.drops) > 0 {
			fmt.Fprintf(&b, "Interface: %s (IPv%d)\n", k.ifname, k.family)
			writeDrops(&b, "  ", s.drops)
		}
	}
	return []byte(b.String())
}

// writeDrops lists every drop reason with a count (a govrrpd block after
// keepalived's, which has no counter for most reasons).
func writeDrops(b *strings.Builder, indent string, drops map[string]uint64) {
	if len(drops) == 0 {
		return
	}
	fmt.Fprintf(b, "%sDropped:\n", indent)
	for _, k := range slices.Sorted(maps.Keys(drops)) {
		fmt.Fprintf(b, "%s  %s: %d\n", indent, k, drops[k])
	}
}

func (d *Daemon) sockKeys() []sockKey {
	keys := slices.Collect(maps.Keys(d.socks))
	slices.SortFunc(keys, func(a, b sockKey) int {
		if c := strings.Compare(a.ifname, b.ifname); c != 0 {
			return c
		}
		return a.family - b.family
	})
	return keys
}

// keepalivedCount is keepalived's counter for r: the drops whose reason
// it counts under the same name (its packet length error also covers the
// decoder's truncated and oversized packets).
func (s *stats) keepalivedCount(r vrrp.RxReason) uint64 {
	n := uint64(0)
	for label, c := range s.drops {
		if dropStat(label) == r.Stat() {
			n += c
		}
	}
	return n
}

// dropStat is the keepalived stats counter a drop label counts under.
func dropStat(label string) string {
	switch label {
	case dropTruncated, dropOversized:
		return vrrp.RxLength.Stat()
	}
	for r := vrrp.RxOK + 1; r.String() != "unknown"; r++ {
		if r.String() == label {
			return r.Stat()
		}
	}
	return ""
}

// dataText is SIGUSR1's human-readable dump. keepalived documents it as
// not a stable format; this one lists what an operator asks first.
func (d *Daemon) dataText() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "------< govrrpd VRRP data >------\n time = %s\n", time.Now().UTC().Format(time.RFC3339Nano))
	for _, in := range d.insts {
		c := in.cfg
		fmt.Fprintf(&b, " VRRP Instance = %s\n", c.Name)
		fmt.Fprintf(&b, "   State = %s\n   Interface = %s\n   Virtual Router ID = %d\n", in.m.State(), c.Interface, c.VRID)
		fmt.Fprintf(&b, "   Base priority = %d\n   Effective priority = %d\n   Master router = %s\n",
			c.Priority, in.m.Priority(), in.m.MasterAddr())
		fmt.Fprintf(&b, "   Advert interval = %s\n   Version = %d\n   Source address = %s\n", c.AdvertInt, c.Version, in.source())
		for _, v := range c.VIPs {
			fmt.Fprintf(&b, "   Virtual IP = %s dev %s\n", v.Prefix, in.dev(v))
		}
	}
	return []byte(b.String())
}

// jsonInstance is one element of keepalived's JSON dump (json_version 1,
// runtime.md §3.2); docs/json-dump.md documents the schema.
type jsonInstance struct {
	Data  jsonData  `json:"data"`
	Stats jsonStats `json:"stats"`
}

type jsonData struct {
	Iname                string   `json:"iname"`
	DontTrackPrimary     int      `json:"dont_track_primary"`
	SkipCheckAdvAddr     int      `json:"skip_check_adv_addr"`
	StrictMode           int      `json:"strict_mode"`
	VmacIfname           string   `json:"vmac_ifname"`
	IfpIfname            string   `json:"ifp_ifname"`
	MasterPriority       int      `json:"master_priority"`
	LastTransition       float64  `json:"last_transition"`
	GarpDelay            float64  `json:"garp_delay"`
	GarpRefresh          float64  `json:"garp_refresh"`
	GarpRep              int      `json:"garp_rep"`
	GarpRefreshRep       int      `json:"garp_refresh_rep"`
	GarpLowerPrioDelay   float64  `json:"garp_lower_prio_delay"`
	GarpLowerPrioRep     int      `json:"garp_lower_prio_rep"`
	LowerPrioNoAdvert    int      `json:"lower_prio_no_advert"`
	HigherPrioSendAdvert int      `json:"higher_prio_send_advert"`
	Vrid                 int      `json:"vrid"`
	BasePriority         int      `json:"base_priority"`
	EffectivePriority    int      `json:"effective_priority"`
	Vipset               bool     `json:"vipset"`
	PromoteSecondaries   bool     `json:"promote_secondaries"`
	AdverInt             float64  `json:"adver_int"`
	MasterAdverInt       float64  `json:"master_adver_int"`
	Accept               int      `json:"accept"`
	Nopreempt            bool     `json:"nopreempt"`
	PreemptDelay         float64  `json:"preempt_delay"`
	State                int      `json:"state"`
	Wantstate            int      `json:"wantstate"`
	Version              int      `json:"version"`
	SMTPAlert            bool     `json:"smtp_alert"`
	NotifyDeleted        bool     `json:"notify_deleted"`
	ScriptMaster         string   `json:"script_master,omitempty"`
	ScriptBackup         string   `json:"script_backup,omitempty"`
	ScriptFault          string   `json:"script_fault,omitempty"`
	ScriptStop           string   `json:"script_stop,omitempty"`
	Script               string   `json:"script,omitempty"`
	Vips                 []string `json:"vips,omitempty"`
	Evips                []string `json:"evips,omitempty"`
	TrackIfp             []string `json:"track_ifp,omitempty"`
	AuthType             int      `json:"auth_type"`
	AuthData             string   `json:"auth_data,omitempty"`
}

type jsonStats struct {
	AdvertRcvd        uint64 `json:"advert_rcvd"`
	AdvertSent        uint64 `json:"advert_sent"`
	BecomeMaster      uint64 `json:"become_master"`
	ReleaseMaster     uint64 `json:"release_master"`
	PacketLenErr      uint64 `json:"packet_len_err"`
	AdvertIntervalErr uint64 `json:"advert_interval_err"`
	IPTTLErr          uint64 `json:"ip_ttl_err"`
	InvalidTypeRcvd   uint64 `json:"invalid_type_rcvd"`
	AddrListErr       uint64 `json:"addr_list_err"`
	InvalidAuthtype   uint64 `json:"invalid_authtype"`
	AuthtypeMismatch  uint64 `json:"authtype_mismatch"`
	AuthFailure       uint64 `json:"auth_failure"`
	PriZeroRcvd       uint64 `json:"pri_zero_rcvd"`
	PriZeroSent       uint64 `json:"pri_zero_sent"`
	// keepalived's RFC 6527 counters (vrrp_stats' chk_err, vers_err,
	// vrid_err), which its JSON dump leaves out; govrrpd fills them.
	ChkErr  uint64 `json:"chk_err"`
	VersErr uint64 `json:"vers_err"`
	VridErr uint64 `json:"vrid_err"`
	// Drops is govrrpd's: every drop by reason, those keepalived has no
	// counter for included.
	Drops map[string]uint64 `json:"drops,omitempty"`
}

// keepalived's numeric states in JSON.
func jsonState(s vrrp.State) int {
	switch s {
	case vrrp.StateBackup:
		return 1
	case vrrp.StateMaster:
		return 2
	case vrrp.StateFault:
		return 3
	case vrrp.StateStop:
		return 98
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (d *Daemon) jsonDump() ([]byte, error) {
	out := make([]jsonInstance, 0, len(d.insts))
	for _, in := range d.insts {
		out = append(out, jsonOf(in))
	}
	return json.MarshalIndent(out, "", "  ")
}

func jsonOf(in *instance) jsonInstance {
	c, nf := in.cfg, in.cfg.Notifies()
	j := jsonData{
		Iname: c.Name, DontTrackPrimary: b2i(c.DontTrackPrimary), SkipCheckAdvAddr: b2i(c.SkipCheckAdvAddr),
		StrictMode: b2i(c.Strict), IfpIfname: c.Interface, MasterPriority: int(in.masterPrio),
		LastTransition: float64(in.lastTransition.UnixMicro()) / 1e6,
		GarpDelay:      c.GARP.MasterDelay.Seconds(), GarpRefresh: c.GARP.MasterRefresh.Seconds(),
		GarpRep: c.GARP.MasterRepeat, GarpRefreshRep: c.GARP.MasterRefreshRepeat,
		GarpLowerPrioDelay: c.GARP.LowerPrioDelay.Seconds(), GarpLowerPrioRep: c.GARP.LowerPrioRepeat,
		LowerPrioNoAdvert: b2i(c.LowerPrioNoAdvert), HigherPrioSendAdvert: b2i(c.HigherPrioSendAdvert),
		Vrid: int(c.VRID), BasePriority: int(c.Priority), EffectivePriority: int(in.m.Priority()),
		Vipset: in.m.State() == vrrp.StateMaster, AdverInt: c.AdvertInt.Seconds(),
		MasterAdverInt: in.masterAdvertInt().Seconds(), Accept: b2i(c.Accept), Nopreempt: c.Nopreempt,
		PreemptDelay: c.Options().PreemptDelay.Seconds(), State: jsonState(in.m.State()), Wantstate: jsonState(in.m.State()),
		Version: int(c.Version), SMTPAlert: c.SMTPAlert, NotifyDeleted: nf.DeletedSet,
		ScriptMaster: nf.Master.Raw, ScriptBackup: nf.Backup.Raw, ScriptFault: nf.Fault.Raw,
		ScriptStop: nf.Stop.Raw, Script: nf.Generic.Raw, AuthType: int(c.Auth.Type),
	}
	if c.VMAC != nil {
		j.VmacIfname = c.VMAC.Name
	}
	if c.Auth.Type == vrrp.AuthPass {
		j.AuthData = "********"
	}
	for _, v := range c.VIPs {
		j.Vips = append(j.Vips, fmt.Sprintf("%s dev %s scope global%s", v.Prefix, in.dev(v), setWord(j.Vipset)))
	}
	for _, v := range c.Options().ExcludedVIPs {
		j.Evips = append(j.Evips, fmt.Sprintf("%s dev %s scope global%s", v.Prefix, in.dev(v), setWord(j.Vipset)))
	}
	for _, t := range c.TrackInterfaces {
		j.TrackIfp = append(j.TrackIfp, t.Name)
	}
	s := &in.stats
	return jsonInstance{Data: j, Stats: jsonStats{
		AdvertRcvd: s.advertRcvd, AdvertSent: s.advertSent, BecomeMaster: s.becomeMaster, ReleaseMaster: s.releaseMaster,
		PacketLenErr: s.keepalivedCount(vrrp.RxLength), AdvertIntervalErr: s.keepalivedCount(vrrp.RxInterval),
		IPTTLErr: s.keepalivedCount(vrrp.RxTTL), InvalidTypeRcvd: s.keepalivedCount(vrrp.RxType),
		AddrListErr: s.keepalivedCount(vrrp.RxAddrList), InvalidAuthtype: s.keepalivedCount(vrrp.RxAuthInvalid),
		AuthtypeMismatch: s.keepalivedCount(vrrp.RxAuthMismatch), AuthFailure: s.keepalivedCount(vrrp.RxAuthPass),
		PriZeroRcvd: s.priZeroRcvd, PriZeroSent: s.priZeroSent, Drops: s.drops,
		ChkErr: s.drops[vrrp.RxChecksum.String()], VersErr: s.drops[vrrp.RxVersion.String()],
		VridErr: in.vridErrs(),
	}}
}

// vridErrs is the instance's vrid_err: adverts for a VRID nobody serves
// are dropped before any instance is named, so they are counted on the
// socket and reported on the socket's first instance only — summed over
// instances (as RFC 6527's router-wide VrIdErrors is) each counts once.
func (in *instance) vridErrs() uint64 {
	s := in.sock
	if s == nil || len(s.insts) == 0 || s.insts[0] != in {
		return 0
	}
	return s.drops[vrrp.RxVRID.String()]
}

// masterAdvertInt is keepalived's master_adver_int: a master's own
// interval; a backup's the interval its master advertises (VRRPv3 adopts
// it; v2 must match), once it has heard one.
func (in *instance) masterAdvertInt() time.Duration {
	if in.m.State() != vrrp.StateMaster && in.masterInt > 0 {
		return in.masterInt
	}
	return in.cfg.AdvertInt
}

func setWord(set bool) string {
	if set {
		return " set"
	}
	return ""
}
