package check

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// HTTPPlan is an HTTP_GET or SSL_GET checker compiled: where it connects,
// what it asks and what it accepts. Building it is the whole validation
// of the checker's settings, so the daemon refuses a bad block without the
// govrrpd-check helper, which fetches (check/httpcheck) and judges the
// response with Eval.
type HTTPPlan struct {
	Endpoint Endpoint
	Protocol string // http_protocol: "1.0" (default), "1.0C", "1.1"
	TLS      bool   // SSL_GET
	SNI      bool   // enable_sni
	// TLSSettings is the global SSL {} block (SSL_GET only; may be nil).
	TLSSettings *TLSSettings
	URLs        []HTTPURL
	passed      string
}

// HTTPURL is one url block with its Host header and compiled regex.
type HTTPURL struct {
	URL
	Host string
	re   *regexp.Regexp
}

// PlanHTTP validates an HTTP_GET or SSL_GET checker. For SSL_GET it also
// reads the SSL block's files, so that one missing or holding no PEM data
// is refused here; the helper parses the certificates.
func PlanHTTP(c Checker) (*HTTPPlan, error) {
	ep, err := NewEndpoint(c)
	if err != nil {
		return nil, err
	}
	s := c.HTTP()
	if s == nil || len(s.URLs) == 0 {
		return nil, fmt.Errorf("%s needs at least one url block", c.Kind)
	}
	p := &HTTPPlan{Endpoint: ep, Protocol: s.Protocol, TLS: c.Kind == SSL, SNI: s.EnableSNI}
	if _, err := HTTPRequest("/", "", s.Protocol); err != nil {
		return nil, err
	}
	for _, u := range s.URLs {
		hu, err := compileURL(u, s.Virtualhost, HostHeader(ep.e.remote, p.TLS))
		if err != nil {
			return nil, err
		}
		p.URLs = append(p.URLs, hu)
	}
	if p.TLS {
		p.TLSSettings = s.TLS
		if err := checkPEMFiles(s.TLS); err != nil {
			return nil, err
		}
	}
	p.passed = fmt.Sprintf("%d url(s) on %s passed", len(p.URLs), ep.e.remote)
	return p, nil
}

// Passed is the outcome of an attempt whose every URL passed.
func (p *HTTPPlan) Passed() Outcome { return up(p.passed) }

// HTTPRequest renders a GET exactly as keepalived sends it.
func HTTPRequest(path, host, protocol string) ([]byte, error) {
	var line, extra string
	switch protocol {
	case "", "1.0":
		line = "HTTP/1.0"
	case "1.0C":
		line, extra = "HTTP/1.0", "Connection: close\r\n"
	case "1.1":
		line, extra = "HTTP/1.1", "Connection: close\r\n"
	default:
		return nil, fmt.Errorf("http_protocol %q: want 1.0, 1.0C or 1.1", protocol)
	}
	if path == "" {
		path = "/"
	}
	if strings.ContainsAny(path+host, "\r\n") {
		return nil, fmt.Errorf("path or host contains a line break")
	}
	return []byte("GET " + path + " " + line + "\r\n" + extra +
		"User-Agent: KeepAliveClient\r\nHost: " + host + "\r\n\r\n"), nil
}

// HostHeader is keepalived's default Host: the address, with the port
// unless it is the scheme's default.
func HostHeader(addr netip.AddrPort, tls bool) string {
	def := uint16(80)
	if tls {
		def = 443
	}
	if addr.Port() == def || addr.Port() == 0 {
		if addr.Addr().Is6() {
			return "[" + addr.Addr().String() + "]"
		}
		return addr.Addr().String()
	}
	return net.JoinHostPort(addr.Addr().String(), strconv.Itoa(int(addr.Port())))
}

func compileURL(u URL, vhost, defHost string) (HTTPURL, error) {
	hu := HTTPURL{URL: u, Host: defHost}
	if vhost != "" {
		hu.Host = vhost
	}
	if u.Virtualhost != "" {
		hu.Host = u.Virtualhost
	}
	if u.Digest != "" {
		d := strings.ToLower(u.Digest)
		if b, err := hex.DecodeString(d); err != nil || len(b) != md5.Size {
			return hu, fmt.Errorf("url %s: digest %q is not 32 hex digits", u.Path, u.Digest)
		}
		hu.Digest = d
	}
	if u.Regex != "" {
		re, err := compileRegex(u.Regex, u.RegexOptions)
		if err != nil {
			return hu, fmt.Errorf("url %s: %w", u.Path, err)
		}
		hu.re = re
	}
	return hu, nil
}

// compileRegex maps the PCRE options keepalived accepts onto RE2 flags and
// rejects the ones RE2 cannot honour rather than ignoring them.
func compileRegex(expr string, options []string) (*regexp.Regexp, error) {
	flags := ""
	for _, o := range options {
		switch o {
		case "caseless":
			flags += "i"
		case "multiline":
			flags += "m"
		case "dotall":
			flags += "s"
		case "ungreedy":
			flags += "U"
		case "utf", "ucp", "no_auto_capture", "no_start_optimize", "no_auto_possess", "no_dotstar_anchor":
			// RE2 is UTF-8 aware and has no such optimisations to disable.
		default:
			return nil, fmt.Errorf("regex_options %s is not supported (Go RE2 syntax)", o)
		}
	}
	if flags != "" {
		expr = "(?" + flags + ")" + expr
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("regex %q: %w", expr, err)
	}
	return re, nil
}

// Eval applies the url block's tests to a response: its status, the hex
// MD5 of its body, and the body.
func (u *HTTPURL) Eval(status int, digest string, body []byte) Outcome {
	if !statusOK(u.StatusCodes, status) {
		return downAs(FailBadStatus, "GET %s: status %d not accepted", u.Path, status)
	}
	if u.Digest != "" && u.Digest != digest {
		return downAs(FailBadDigest, "GET %s: digest %s, want %s", u.Path, digest, u.Digest)
	}
	if u.re != nil {
		found := regexIn(u.re, body, u.RegexMinOffset, u.RegexMaxOffset)
		if found == u.RegexNoMatch {
			return downAs(FailBadContent, "GET %s: regex %q matched=%v, regex_no_match=%v", u.Path, u.Regex, found, u.RegexNoMatch)
		}
	}
	return up(fmt.Sprintf("GET %s: status %d", u.Path, status))
}

// regexIn searches body[min:max] (max 0 = to the end): keepalived limits
// where a match may lie with regex_min_offset / regex_max_offset.
func regexIn(re *regexp.Regexp, body []byte, lo, hi int) bool {
	if hi <= 0 || hi > len(body) {
		hi = len(body)
	}
	if lo < 0 {
		lo = 0
	}
	if lo > hi {
		return false
	}
	return re.Match(body[lo:hi])
}

// Endpoint is where a network checker connects and how its socket is
// bound and marked, for probers outside this package (check/httpcheck).
type Endpoint struct{ e endpoint }

// NewEndpoint resolves c's connect_ip/connect_port, bindto/bind_port,
// bind_if and fwmark.
func NewEndpoint(c Checker) (Endpoint, error) {
	e, err := newEndpoint(c, true)
	return Endpoint{e}, err
}

// Remote is the address the checker connects to.
func (e Endpoint) Remote() netip.AddrPort { return e.e.remote }

// DialTCP connects as the checker's options say; ctx's deadline also
// bounds every later read and write on the connection.
func (e Endpoint) DialTCP(ctx context.Context) (net.Conn, error) {
	conn, err := e.e.dial(ctx, "tcp")
	if err != nil {
		return nil, err
	}
	deadline(ctx, conn)
	return conn, nil
}

// Failed is a down outcome for err, classed as the failure counters class
// it (a timeout, a refusal, a reset ...).
func Failed(err error, format string, args ...any) Outcome {
	o := down(format, args...)
	o.Fail = classify(err)
	return o
}
