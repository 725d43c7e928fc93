package check

import (
	"context"
	"fmt"
	"net"
)

// New builds the prober for a checker. Kinds govrrpd does not run, and
// settings it cannot honour, are errors rather than silently passing checks.
func New(c Checker) (Prober, error) {
	switch c.Kind {
	case TCP:
		return newTCP(c)
	case HTTP, SSL:
		return newHTTP(c)
	case Misc:
		return newMisc(c)
	case SMTP:
		return newSMTP(c)
	case DNS:
		return newDNS(c)
	case UDP:
		return newUDP(c)
	case Ping:
		return newPing(c)
	case File:
		return newFile(c)
	case BFD:
		return nil, fmt.Errorf("BFD_CHECK is not implemented")
	}
	return nil, fmt.Errorf("unknown checker kind %q", c.Kind)
}

type tcpProber struct{ ep endpoint }

func newTCP(c Checker) (Prober, error) {
	ep, err := newEndpoint(c, true)
	if err != nil {
		return nil, err
	}
	return tcpProber{ep}, nil
}

// Probe succeeds when the TCP handshake completes. The connection is reset
// rather than closed (SO_LINGER 0, as keepalived's layer-4 connect long
// did): no data was exchanged, and at thousands of checks a second the
// TIME_WAIT sockets a graceful close leaves behind slow every later
// connect() and can exhaust the local port range.
func (p tcpProber) Probe(ctx context.Context) Outcome {
	conn, err := p.ep.dial(ctx, "tcp")
	if err != nil {
		return down("TCP connect to %s: %v", p.ep.remote, err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
	return up("TCP connect to " + p.ep.remote.String())
}
