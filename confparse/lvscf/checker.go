package lvscf

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/script"
)

// probe is what nanny checked for one block: the strings after nanny's own
// processing (send_program wins over send; the port-80 built-in probe).
type probe struct {
	send, expect, program string
}

func (c *converter) probe(v *Virtual, what string) probe {
	var pr probe
	pr.program = strings.TrimSpace(v.SendProgram)
	for _, s := range []struct {
		key string
		in  string
		out *string
	}{{"send", v.Send, &pr.send}, {"expect", v.Expect, &pr.expect}} {
		val, bad := nannyString(s.in)
		if len(bad) > 0 {
			c.warn("unsupported_escape", v.Seen[s.key], "%s: %s contains %s: nanny hung at start-up on it; kept as written",
				what, s.key, strings.Join(bad, " "))
		}
		*s.out = val
	}
	if pr.program != "" {
		if pr.send != "" {
			c.info("send_ignored", v.Seen["send"], "%s: send is ignored when send_program is set", what)
		}
		pr.send = ""
		return pr
	}
	if pr.send == "" && pr.expect == "" && v.Port == 80 {
		c.info("implicit_http_probe", v.Line, "%s: port 80 without send/expect -> nanny's built-in probe GET / HTTP/1.0 expecting HTTP", what)
		pr.send, pr.expect = "GET / HTTP/1.0\r\n\r\n", "HTTP"
	}
	return pr
}

// programWords splits send_program as nanny did (strtok on spaces) and
// substitutes the words that are exactly %h and %p.
func programWords(program, host, port string) []string {
	words := splitSpaces(program)
	for i, w := range words {
		switch w {
		case "%h":
			words[i] = host
		case "%p":
			words[i] = port
		}
	}
	return words
}

// checkTarget is the real server a checker probes and how.
type checkTarget struct {
	what        string
	rip         string
	rport       int
	connectPort int // 0 = the real server's own port
}

// The HTTP probe's expressions, compiled on first use (keys.go says why).
var (
	httpREOnce                             sync.Once
	httpSendRe, httpHeaderRe, httpStatusRe *regexp.Regexp
)

func compileHTTPRE() {
	httpREOnce.Do(func() {
		httpSendRe = regexp.MustCompile(`^GET (/[^ \r\n]*) HTTP/1\.([01])\r\n((?:(?:Host|Connection): [^\r\n]*\r\n)*)\r\n$`)
		httpHeaderRe = regexp.MustCompile(`(?m)^Host: ([^\r\n]*)\r$`)
		httpStatusRe = regexp.MustCompile(`^HTTP/1\.[01] ([1-5][0-9][0-9])( [^\r\n]*)?$`)
	})
}

// checker chooses the keepalived checker for one real server (mapping.md
// §4.3, first match wins).
func (c *converter) checker(v *Virtual, pr probe, tg checkTarget) check.Checker {
	t := time.Duration(v.Timeout) * time.Second
	ck := check.Checker{ConnectTimeout: t, Retry: 0, DelayLoop: t, Alpha: true, ConnectPort: uint16(tg.connectPort)}
	rport := strconv.Itoa(tg.rport)
	switch {
	case pr.program != "":
		ck.Kind = check.Misc
		ck.Settings = &check.MiscSettings{Timeout: t, Path: c.programCheck(v, pr, tg.rip, rport, tg.what)}
	case pr.send == "" && pr.expect == "" && v.Protocol == "tcp":
		ck.Kind = check.TCP
	case pr.send == "" && pr.expect == "":
		ck.Kind = check.UDP
		ck.Settings = &check.UDPSettings{}
		c.warn("udp_without_send_expect", v.Line, "%s: UDP without send/expect waited for any reply; UDP_CHECK only sees ICMP errors", tg.what)
	default:
		if h := httpGet(v, pr); h != nil {
			ck.Kind, ck.Settings = check.HTTP, h
			c.info("http_get_approximation", v.Line, "%s: send/expect mapped to HTTP_GET", tg.what)
			break
		}
		ck.Kind = check.Misc
		ck.Settings = &check.MiscSettings{Timeout: t, Path: spec(bare("/bin/bash"), bare("-c"), prog(probeProg),
			bare("lvscheck"), bare(v.Protocol), bare(tg.rip), bare(rport),
			quoted(pr.send), quoted(pr.expect), bare(strconv.Itoa(b2i(v.UseRegex))))}
	}
	if ck.Misc() != nil {
		ck.ConnectPort = 0
		c.lineLength(tg.what, 12+len(`misc_path ""`)+len(ck.Misc().Path.Raw))
	}
	return ck
}

// programCheck is the send_program form: the probe passes when the
// program's output equals expect; without expect nanny always failed, and
// the converted check falls back to the exit status.
func (c *converter) programCheck(v *Virtual, pr probe, rip, rport, what string) script.Spec {
	words := programWords(pr.program, rip, rport)
	if pr.expect == "" {
		c.warn("send_program_without_expect", v.Seen["send_program"],
			"%s: send_program without expect always failed in nanny; the converted check uses the program's exit status", what)
		var args []arg
		for _, w := range words {
			args = append(args, word(w))
		}
		return spec(args...)
	}
	args := []arg{bare("/bin/sh"), bare("-c"), prog(programProg), quoted(pr.expect)}
	for _, w := range words {
		args = append(args, quoted(w))
	}
	return spec(args...)
}

// httpGet returns HTTP_GET settings when keepalived's HTTP_GET tests what
// nanny tested: a plain GET whose reply status line starts with expect.
func httpGet(v *Virtual, pr probe) *check.HTTPSettings {
	if v.Protocol != "tcp" || v.UseRegex {
		return nil
	}
	compileHTTPRE()
	m := httpSendRe.FindStringSubmatch(pr.send)
	if m == nil || !safeConfWord(m[1]) {
		return nil
	}
	var codes check.StatusRange
	switch sm := httpStatusRe.FindStringSubmatch(pr.expect); {
	case pr.expect != "" && strings.HasPrefix("HTTP/1.", pr.expect):
		codes = check.StatusRange{Lo: 100, Hi: 599}
	case sm != nil:
		n, _ := strconv.Atoi(sm[1])
		codes = check.StatusRange{Lo: n, Hi: n}
	default:
		return nil
	}
	u := check.URL{Path: m[1], StatusCodes: []check.StatusRange{codes}}
	if hm := httpHeaderRe.FindStringSubmatch(m[3]); hm != nil {
		if !safeConfWord(hm[1]) {
			return nil
		}
		u.Virtualhost = hm[1]
	}
	h := &check.HTTPSettings{URLs: []check.URL{u}, Protocol: "1.0"}
	if m[2] == "1" {
		h.Protocol = "1.1"
	}
	return h
}

func statusText(r check.StatusRange) string {
	if r.Lo == r.Hi {
		return strconv.Itoa(r.Lo)
	}
	return fmt.Sprintf("%d-%d", r.Lo, r.Hi)
}
