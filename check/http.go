package check

import (
	"bufio"
	"context"
	"crypto/md5"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// maxBody bounds what a checker reads of a body; keepalived digests the
// whole body, and 64 MiB is far beyond any health page.
const maxBody = 64 << 20

// FetchRequest is one keepalived-style GET, shared by HTTP_GET/SSL_GET and
// `govrrpd genhash`.
type FetchRequest struct {
	Path     string
	Host     string // Host header
	Protocol string // "1.0" (default), "1.0C", "1.1"
	TLS      *tls.Config
}

// FetchResult is the parsed response with keepalived's digest of the body.
type FetchResult struct {
	Status int
	Proto  string
	Header http.Header
	Body   []byte
	Digest string // lower-case hex MD5 of Body
}

// RequestBytes renders the request exactly as keepalived sends it.
func (r FetchRequest) RequestBytes() ([]byte, error) {
	var line, extra string
	switch r.Protocol {
	case "", "1.0":
		line = "HTTP/1.0"
	case "1.0C":
		line, extra = "HTTP/1.0", "Connection: close\r\n"
	case "1.1":
		line, extra = "HTTP/1.1", "Connection: close\r\n"
	default:
		return nil, fmt.Errorf("http_protocol %q: want 1.0, 1.0C or 1.1", r.Protocol)
	}
	path := r.Path
	if path == "" {
		path = "/"
	}
	if strings.ContainsAny(path+r.Host, "\r\n") {
		return nil, fmt.Errorf("path or host contains a line break")
	}
	return []byte("GET " + path + " " + line + "\r\n" + extra +
		"User-Agent: KeepAliveClient\r\nHost: " + r.Host + "\r\n\r\n"), nil
}

// Fetch sends the request on conn (already connected) and reads the whole
// response; the caller closes conn.
func Fetch(ctx context.Context, conn net.Conn, req FetchRequest) (*FetchResult, error) {
	deadline(ctx, conn)
	if req.TLS != nil {
		tc := tls.Client(conn, req.TLS)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, fmt.Errorf("TLS handshake: %w", err)
		}
		conn = tc
	}
	raw, err := req.RequestBytes()
	if err != nil {
		return nil, err
	}
	if _, err := conn.Write(raw); err != nil {
		return nil, fmt.Errorf("send request: %w", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: http.MethodGet})
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	sum := md5.Sum(body)
	return &FetchResult{Status: resp.StatusCode, Proto: resp.Proto, Header: resp.Header,
		Body: body, Digest: hex.EncodeToString(sum[:])}, nil
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

type httpURL struct {
	URL
	host string
	re   *regexp.Regexp
}

type httpProber struct {
	ep    endpoint
	proto string
	tls   bool
	urls  []httpURL
	// tlsFor returns the client config for a URL's virtual host (SNI).
	tlsFor func(host string) *tls.Config
}

func newHTTP(c Checker) (Prober, error) {
	ep, err := newEndpoint(c, true)
	if err != nil {
		return nil, err
	}
	s := c.HTTP()
	if s == nil || len(s.URLs) == 0 {
		return nil, fmt.Errorf("%s needs at least one url block", c.Kind)
	}
	p := &httpProber{ep: ep, proto: s.Protocol, tls: c.Kind == SSL}
	if _, err := (FetchRequest{Protocol: s.Protocol}).RequestBytes(); err != nil {
		return nil, err
	}
	for _, u := range s.URLs {
		hu, err := compileURL(u, s.Virtualhost, HostHeader(ep.remote, p.tls))
		if err != nil {
			return nil, err
		}
		p.urls = append(p.urls, hu)
	}
	if p.tls {
		if p.tlsFor, err = tlsFactory(s.TLS, s.EnableSNI); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func compileURL(u URL, vhost, defHost string) (httpURL, error) {
	hu := httpURL{URL: u, host: defHost}
	if vhost != "" {
		hu.host = vhost
	}
	if u.Virtualhost != "" {
		hu.host = u.Virtualhost
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

// Probe fetches every URL on a fresh connection; all must pass.
func (p *httpProber) Probe(ctx context.Context) Outcome {
	for _, u := range p.urls {
		if o := p.probeURL(ctx, u); !o.Up {
			return o
		}
	}
	return up(fmt.Sprintf("%d url(s) on %s passed", len(p.urls), p.ep.remote))
}

func (p *httpProber) probeURL(ctx context.Context, u httpURL) Outcome {
	conn, err := p.ep.dial(ctx, "tcp")
	if err != nil {
		return down("connect to %s: %v", p.ep.remote, err)
	}
	defer conn.Close()
	req := FetchRequest{Path: u.Path, Host: u.host, Protocol: p.proto}
	if p.tls {
		req.TLS = p.tlsFor(u.host)
	}
	res, err := Fetch(ctx, conn, req)
	if err != nil {
		return down("GET %s from %s: %v", u.Path, p.ep.remote, err)
	}
	return evalURL(u, res)
}

// evalURL applies a url block's tests to a response.
func evalURL(u httpURL, res *FetchResult) Outcome {
	if !statusOK(u.StatusCodes, res.Status) {
		return downAs(FailBadStatus, "GET %s: status %d not accepted", u.Path, res.Status)
	}
	if u.Digest != "" && u.Digest != res.Digest {
		return downAs(FailBadDigest, "GET %s: digest %s, want %s", u.Path, res.Digest, u.Digest)
	}
	if u.re != nil {
		found := regexIn(u.re, res.Body, u.RegexMinOffset, u.RegexMaxOffset)
		if found == u.RegexNoMatch {
			return downAs(FailBadContent, "GET %s: regex %q matched=%v, regex_no_match=%v", u.Path, u.Regex, found, u.RegexNoMatch)
		}
	}
	return up(fmt.Sprintf("GET %s: status %d", u.Path, res.Status))
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
