package confparse

import (
	"encoding/hex"
	"strconv"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/ipvs"
)

// Checker blocks. A checker writes only what it does not inherit from its
// real and virtual server (CheckerDefaults), in the order of
// lvscf/mapping.md §4.4: kind-specific keywords, connection options, then
// the scheduling options.

// CheckerBlockDefaults is the checker an empty `k { }` block under real
// server rs of vs gives: CheckerDefaults plus keepalived's defaults for
// the kind's own settings (HTTP protocol 1.0, UDP max_reply_length 255,
// DNS type SOA, ...), for code that builds checkers rather than reading
// them.
func CheckerBlockDefaults(vs *ipvs.VirtualServer, rs *ipvs.RealServer, k check.Kind) check.Checker {
	c := CheckerDefaults(vs, rs, k)
	chkInitKind(&c)
	return c
}

func printChecker(p *printer, vs *ipvs.VirtualServer, rs *ipvs.RealServer, c *check.Checker) {
	p.open(c.Kind.String())
	switch {
	case c.HTTP() != nil:
		printHTTP(p, c.HTTP())
	case c.Misc() != nil:
		printMisc(p, c.Misc())
	case c.SMTP() != nil:
		lvsString(p, "helo_name", c.SMTP().HeloName)
	case c.DNS() != nil:
		d := c.DNS()
		if d.Type != "" && d.Type != "SOA" {
			p.line("type", d.Type)
		}
		if d.Name != "" && d.Name != "." {
			p.line("name", quote(d.Name))
		}
	case c.UDP() != nil:
		printUDP(p, c.UDP())
	case c.File() != nil:
		printFile(p, c.File())
	case c.BFD() != nil:
		p.line("name", quote(c.BFD().Instance))
		if c.Alpha {
			p.line("alpha")
		}
		p.close()
		return
	}
	if chkHasConn(c.Kind) {
		printChkConn(p, c)
	}
	if c.Kind != check.File {
		printChkSched(p, vs, rs, c)
	}
	p.close()
}

func chkHasConn(k check.Kind) bool {
	return k != check.Misc && k != check.File && k != check.BFD
}

func printHTTP(p *printer, h *check.HTTPSettings) {
	for i := range h.URLs {
		printURL(p, &h.URLs[i])
	}
	if h.Protocol != "" && h.Protocol != "1.0" {
		p.line("http_protocol", h.Protocol)
	}
	lvsString(p, "virtualhost", h.Virtualhost)
	lvsFlag(p, "enable_sni", h.EnableSNI)
	lvsFlag(p, "fast_recovery", h.FastRecovery)
}

func printURL(p *printer, u *check.URL) {
	p.open("url")
	lvsString(p, "path", u.Path)
	lvsString(p, "digest", u.Digest)
	if len(u.StatusCodes) > 0 {
		w := []string{"status_code"}
		for _, r := range u.StatusCodes {
			s := strconv.Itoa(r.Lo)
			if r.Hi != r.Lo {
				s += "-" + strconv.Itoa(r.Hi)
			}
			w = append(w, s)
		}
		p.line(w...)
	}
	lvsString(p, "virtualhost", u.Virtualhost)
	lvsString(p, "regex", u.Regex)
	lvsFlag(p, "regex_no_match", u.RegexNoMatch)
	if len(u.RegexOptions) > 0 {
		p.line(append([]string{"regex_options"}, u.RegexOptions...)...)
	}
	if u.RegexMinOffset != 0 {
		p.line("regex_min_offset", strconv.Itoa(u.RegexMinOffset))
	}
	if u.RegexMaxOffset != 0 {
		p.line("regex_max_offset", strconv.Itoa(u.RegexMaxOffset))
	}
	p.close()
}

func printMisc(p *printer, m *check.MiscSettings) {
	// The user has its own keyword: keepalived reads no user on the
	// misc_path line.
	if !m.Path.IsZero() {
		p.line("misc_path", `"`+m.Path.Raw+`"`)
	}
	if m.Path.User != "" {
		p.line(append([]string{"user", m.Path.User}, nonEmpty(m.Path.Group)...)...)
	}
	if m.Timeout != 0 {
		p.line("misc_timeout", fmtSeconds(m.Timeout))
	}
	lvsFlag(p, "misc_dynamic", m.Dynamic)
}

func printUDP(p *printer, u *check.UDPSettings) {
	if len(u.Payload) > 0 {
		p.line("payload", hex.EncodeToString(u.Payload))
	}
	if u.RequireReply {
		if u.Reply != "" {
			p.line("require_reply", u.Reply)
		} else {
			p.line("require_reply")
		}
	}
	if u.MinReplyLength != 0 {
		p.line("min_reply_length", strconv.Itoa(u.MinReplyLength))
	}
	if u.MaxReplyLength != 255 {
		p.line("max_reply_length", strconv.Itoa(u.MaxReplyLength))
	}
}

func printFile(p *printer, f *check.FileSettings) {
	lvsString(p, "track_file", f.TrackFile)
	if f.Weight != 0 || f.Reverse {
		w := []string{"weight", strconv.Itoa(f.Weight)}
		if f.Reverse {
			w = append(w, "reverse")
		}
		p.line(w...)
	}
}

func printChkConn(p *printer, c *check.Checker) {
	a := c.Conn()
	if a.ConnectIP != nil && a.ConnectIP.IsValid() {
		p.line("connect_ip", a.ConnectIP.String())
	}
	if c.ConnectPort != 0 {
		p.line("connect_port", strconv.Itoa(int(c.ConnectPort)))
	}
	if a.BindTo != nil && a.BindTo.IsValid() {
		p.line("bindto", a.BindTo.String())
	}
	if c.BindPort != 0 {
		p.line("bind_port", strconv.Itoa(int(c.BindPort)))
	}
	lvsString(p, "bind_if", a.BindIf)
	if c.FWMark != 0 {
		p.line("fwmark", strconv.FormatUint(uint64(c.FWMark), 10))
	}
}

// printChkSched writes the inheritable settings that differ from what the
// checker would inherit. Zero delay_loop and connect_timeout are invalid
// in keepalived.conf and mean "not set" here.
func printChkSched(p *printer, vs *ipvs.VirtualServer, rs *ipvs.RealServer, c *check.Checker) {
	baseLoop := chkDelayLoop(vs, rs)
	d := chkDefaultsFor(vs, rs, c.Kind, p.vsKey, lvsOr(c.DelayLoop, baseLoop))
	if chkHasConn(c.Kind) && c.ConnectTimeout != 0 && (c.ConnectTimeout != d.ConnectTimeout || p.explicitTimers) {
		p.line("connect_timeout", fmtSeconds(c.ConnectTimeout))
	}
	if c.Retry != d.Retry {
		p.line("retry", strconv.Itoa(c.Retry))
	}
	lvsDur(p, "delay_before_retry", c.DelayBeforeRetry, d.DelayBeforeRetry)
	if c.DelayLoop != 0 {
		lvsDur(p, "delay_loop", c.DelayLoop, baseLoop)
	}
	lvsDur(p, "warmup", c.Warmup, d.Warmup)
	if c.Alpha != d.Alpha {
		p.line("alpha", lvsBoolWord(c.Alpha))
	}
	lvsFlag(p, "log_all_failures", c.LogAllFailures)
}

func lvsDur(p *printer, key string, v, def time.Duration) {
	if v != def {
		p.line(key, fmtSeconds(v))
	}
}

// nonEmpty is s as a word list, empty when s is.
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
