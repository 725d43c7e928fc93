package httpcheck

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

	"github.com/govrrpd/govrrpd/check"
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
	return check.HTTPRequest(r.Path, r.Host, r.Protocol)
}

// Fetch sends the request on conn (already connected) and reads the whole
// response; the caller closes conn.
func Fetch(ctx context.Context, conn net.Conn, req FetchRequest) (*FetchResult, error) {
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
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
// unless it is the scheme's default (check.HostHeader).
func HostHeader(addr netip.AddrPort, tls bool) string { return check.HostHeader(addr, tls) }

// Dialer returns a dialer that marks its sockets with fwmark (0 = none),
// as the checkers do (check.Dialer).
func Dialer(fwmark uint32) *net.Dialer { return check.Dialer(fwmark) }

type prober struct {
	plan *check.HTTPPlan
	// tlsFor returns the client config for a URL's virtual host (SNI);
	// nil for HTTP_GET.
	tlsFor func(host string) *tls.Config
}

// New builds an HTTP_GET or SSL_GET prober that fetches in this process:
// check.SetHTTP(New) in the helper and in tests.
func New(c check.Checker) (check.Prober, error) {
	plan, err := check.PlanHTTP(c)
	if err != nil {
		return nil, err
	}
	p := &prober{plan: plan}
	if plan.TLS {
		if p.tlsFor, err = tlsFactory(plan.TLSSettings, plan.SNI); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Probe fetches every URL on a fresh connection; all must pass.
func (p *prober) Probe(ctx context.Context) check.Outcome {
	for i := range p.plan.URLs {
		if o := p.probeURL(ctx, &p.plan.URLs[i]); !o.Up {
			return o
		}
	}
	return p.plan.Passed()
}

func (p *prober) probeURL(ctx context.Context, u *check.HTTPURL) check.Outcome {
	remote := p.plan.Endpoint.Remote()
	conn, err := p.plan.Endpoint.DialTCP(ctx)
	if err != nil {
		return check.Failed(err, "connect to %s: %v", remote, err)
	}
	defer conn.Close()
	req := FetchRequest{Path: u.Path, Host: u.Host, Protocol: p.plan.Protocol}
	if p.tlsFor != nil {
		req.TLS = p.tlsFor(u.Host)
	}
	res, err := Fetch(ctx, conn, req)
	if err != nil {
		return check.Failed(err, "GET %s from %s: %v", u.Path, remote, err)
	}
	return u.Eval(res.Status, res.Digest, res.Body)
}
