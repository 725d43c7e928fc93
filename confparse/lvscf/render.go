package lvscf

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Render writes the converted configuration in the layout mapping.md fixes:
// header comments, global_defs, the VRRP part, then one block per lvs.cf
// virtual with its comment, sections separated by one blank line.
//
// It renders from the typed config, not from lvs.cf, so what is printed is
// what govrrpd would run. It covers exactly the settings the converter
// produces; the comments at real-server positions are why it does not use
// the general keepalived.conf printer.
func Render(w io.Writer, r *Result) error {
	p := &writer{w: bufio.NewWriter(w)}
	for _, h := range r.Header {
		p.line("# " + h)
	}
	cfg := r.Config
	p.globalDefs(cfg)
	for i := range cfg.Scripts {
		p.scriptTracker(&cfg.Scripts[i])
	}
	for i := range cfg.Instances {
		p.instance(&cfg.Instances[i])
	}
	for _, l := range r.Virtuals {
		p.section()
		p.line("# " + l.Comment)
		if l.VS >= 0 {
			p.virtualServer(cfg, &cfg.VirtualServers[l.VS], l.Slots)
		}
	}
	return p.w.Flush()
}

type writer struct {
	w     *bufio.Writer
	depth int
}

func (p *writer) line(words ...string) {
	p.w.WriteString(strings.Repeat("    ", p.depth))
	p.w.WriteString(strings.Join(words, " "))
	p.w.WriteByte('\n')
}

func (p *writer) open(words ...string) {
	p.line(append(words, "{")...)
	p.depth++
}

func (p *writer) close() {
	p.depth--
	p.line("}")
}

// section starts a top-level section after one blank line.
func (p *writer) section() { p.w.WriteByte('\n') }

func secs(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

func scriptLine(key string, s script.Spec) []string { return []string{key, `"` + s.Raw + `"`} }

func (p *writer) globalDefs(cfg *confparse.Config) {
	var lines [][]string
	if cfg.Global.EnableScriptSecurity {
		lines = append(lines, []string{"enable_script_security"})
	}
	if cfg.Global.ScriptUser != "" {
		lines = append(lines, []string{"script_user", cfg.Global.ScriptUser})
	}
	if sd := cfg.IPVS.SyncDaemon; sd != nil {
		lines = append(lines, []string{"lvs_sync_daemon", sd.Interface, sd.Instance, "id", strconv.Itoa(sd.ID)})
	}
	t := cfg.IPVS.Timeouts
	if l := timeoutWords(t); len(l) > 1 {
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return
	}
	p.section()
	p.open("global_defs")
	for _, l := range lines {
		p.line(l...)
	}
	p.close()
}

func timeoutWords(t ipvs.Timeouts) []string {
	l := []string{"lvs_timeouts"}
	for _, kv := range []struct {
		k string
		d time.Duration
	}{{"tcp", t.TCP}, {"tcpfin", t.TCPFin}, {"udp", t.UDP}} {
		if kv.d > 0 {
			l = append(l, kv.k, secs(kv.d))
		}
	}
	return l
}

func (p *writer) scriptTracker(s *vrrp.ScriptTracker) {
	p.section()
	p.open("vrrp_script", s.Name)
	p.line(scriptLine("script", s.Script)...)
	p.line("interval", secs(s.Interval))
	p.line("timeout", secs(s.Timeout))
	p.line("fall", strconv.Itoa(s.Fall))
	p.line("rise", strconv.Itoa(s.Rise))
	p.close()
}

func (p *writer) instance(in *vrrp.Instance) {
	p.section()
	p.open("vrrp_instance", in.Name)
	state := "BACKUP"
	if in.State == vrrp.WantMaster {
		state = "MASTER"
	}
	p.line("state", state)
	p.line("interface", in.Interface)
	p.line("virtual_router_id", strconv.Itoa(int(in.VRID)))
	p.line("priority", strconv.Itoa(int(in.Priority)))
	p.line("advert_int", secs(in.AdvertInt))
	if in.Nopreempt {
		p.line("nopreempt")
	}
	if in.UnicastSrc.IsValid() {
		p.line("unicast_src_ip", in.UnicastSrc.String())
	}
	if len(in.UnicastPeers) > 0 {
		p.open("unicast_peer")
		for _, peer := range in.UnicastPeers {
			p.line(peer.Addr.String())
		}
		p.close()
	}
	p.open("virtual_ipaddress")
	for _, a := range in.VIPs {
		l := []string{a.Prefix.String(), "dev", a.Dev}
		if a.Label != "" {
			l = append(l, "label", a.Label)
		}
		p.line(l...)
	}
	p.close()
	if len(in.TrackScripts) > 0 {
		p.open("track_script")
		for _, t := range in.TrackScripts {
			p.line(t.Name)
		}
		p.close()
	}
	for _, n := range []struct {
		key string
		s   script.Spec
	}{{"notify_master", in.Notify.Master}, {"notify_backup", in.Notify.Backup},
		{"notify_fault", in.Notify.Fault}, {"notify_stop", in.Notify.Stop}} {
		if !n.s.IsZero() {
			p.line(scriptLine(n.key, n.s)...)
		}
	}
	p.close()
}

func (p *writer) virtualServer(cfg *confparse.Config, vs *ipvs.VirtualServer, slots []Slot) {
	if vs.FWMark != 0 {
		p.open("virtual_server", "fwmark", strconv.FormatUint(uint64(vs.FWMark), 10))
	} else {
		p.open("virtual_server", vs.Addr.Addr().String(), strconv.Itoa(int(vs.Addr.Port())))
	}
	p.line("delay_loop", secs(vs.DelayLoop))
	p.line("lb_algo", vs.Scheduler)
	p.line("lb_kind", vs.Forwarding.Method.String())
	if vs.Persistence > 0 {
		p.line("persistence_timeout", secs(vs.Persistence))
		if vs.PersistenceGranularity.IsValid() {
			p.line("persistence_granularity", vs.PersistenceGranularity.String())
		}
	}
	if vs.FWMark == 0 {
		p.line("protocol", vs.Protocol.String())
	}
	if vs.Alpha {
		p.line("alpha")
	}
	if vs.InhibitOnFailure {
		p.line("inhibit_on_failure")
	}
	if vs.Sorry != nil {
		p.line(hostPort("sorry_server", vs.Sorry.Addr.Addr().String(), vs.Sorry.Addr.Port())...)
	}
	for _, s := range slots {
		if s.Skipped != "" {
			p.line("# " + s.Skipped)
			continue
		}
		rs := vs.Reals[s.Real]
		p.open(hostPort("real_server", rs.Addr.Addr().String(), rs.Addr.Port())...)
		p.line("weight", strconv.Itoa(rs.Weight))
		p.checker(&cfg.Checkers[s.Checker])
		p.close()
	}
	p.close()
}

func hostPort(key, host string, port uint16) []string {
	if port == 0 {
		return []string{key, host}
	}
	return []string{key, host, strconv.Itoa(int(port))}
}

func (p *writer) checker(ck *check.Checker) {
	p.open(string(ck.Kind))
	switch ck.Kind {
	case check.Misc:
		p.line(scriptLine("misc_path", ck.Misc.Path)...)
		p.line("misc_timeout", secs(ck.Misc.Timeout))
		p.close()
		return
	case check.HTTP:
		for _, u := range ck.HTTP.URLs {
			p.open("url")
			p.line("path", u.Path)
			for _, r := range u.StatusCodes {
				p.line("status_code", statusText(r))
			}
			if u.Virtualhost != "" {
				p.line("virtualhost", u.Virtualhost)
			}
			p.close()
		}
		if ck.HTTP.Protocol != "" && ck.HTTP.Protocol != "1.0" {
			p.line("http_protocol", ck.HTTP.Protocol)
		}
	}
	if ck.ConnectPort != 0 {
		p.line("connect_port", strconv.Itoa(int(ck.ConnectPort)))
	}
	p.line("connect_timeout", secs(ck.ConnectTimeout))
	p.line("retry", strconv.Itoa(ck.Retry))
	p.close()
}

// String renders r, for tests and for callers that want the text.
func (r *Result) String() string {
	var b strings.Builder
	if err := Render(&b, r); err != nil {
		return fmt.Sprintf("render: %v", err)
	}
	return b.String()
}
