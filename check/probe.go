package check

import (
	"context"
	"fmt"
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

// Probe succeeds when the TCP handshake completes; keepalived closes at once.
func (p tcpProber) Probe(ctx context.Context) Outcome {
	conn, err := p.ep.dial(ctx, "tcp")
	if err != nil {
		return down("TCP connect to %s: %v", p.ep.remote, err)
	}
	conn.Close()
	return up("TCP connect to " + p.ep.remote.String())
}
