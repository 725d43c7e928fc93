package check

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
)

// udpProber is UDP_CHECK: send the payload on a connected socket so an ICMP
// port unreachable comes back as ECONNREFUSED. Without require_reply,
// silence until connect_timeout is success, as in keepalived.
type udpProber struct {
	ep       endpoint
	payload  []byte
	require  bool
	pattern  *Pattern
	min, max int
}

func newUDP(c Checker) (Prober, error) {
	ep, err := newEndpoint(c, true)
	if err != nil {
		return nil, err
	}
	p := &udpProber{ep: ep, max: 255}
	if s := c.UDP(); s != nil {
		p.payload, p.require, p.min = s.Payload, s.RequireReply, s.MinReplyLength
		if s.MaxReplyLength > 0 {
			p.max = s.MaxReplyLength
		}
		if s.Reply != "" {
			pat, err := ParseHex(s.Reply, true)
			if err != nil {
				return nil, fmt.Errorf("require_reply: %w", err)
			}
			p.pattern, p.require = &pat, true
		}
	}
	return p, nil
}

// Probe sends one datagram and judges the reply or its absence.
func (p *udpProber) Probe(ctx context.Context) Outcome {
	conn, err := p.ep.dial(ctx, "udp")
	if err != nil {
		return down("UDP connect to %s: %v", p.ep.remote, err)
	}
	defer conn.Close()
	deadline(ctx, conn)
	if _, err := conn.Write(p.payload); err != nil {
		return down("UDP send to %s: %v", p.ep.remote, err)
	}
	buf := make([]byte, p.max+1)
	n, err := conn.Read(buf)
	switch {
	case err != nil && errors.Is(err, os.ErrDeadlineExceeded):
		if p.require {
			return downAs(FailTimeout, "UDP %s: no reply", p.ep.remote)
		}
		return up(fmt.Sprintf("UDP %s: no ICMP error", p.ep.remote))
	case err != nil:
		var op *net.OpError
		if errors.As(err, &op) {
			return down("UDP %s: %v", p.ep.remote, op.Err)
		}
		return down("UDP %s: %v", p.ep.remote, err)
	}
	return p.judge(buf[:n])
}

// judge applies require_reply's pattern and the length limits, which
// keepalived checks only when a reply pattern is configured.
func (p *udpProber) judge(reply []byte) Outcome {
	if p.pattern == nil {
		return up(fmt.Sprintf("UDP %s: %d byte reply", p.ep.remote, len(reply)))
	}
	if len(reply) < p.min || len(reply) > p.max {
		return downAs(FailBadReply, "UDP %s: reply length %d outside %d..%d", p.ep.remote, len(reply), p.min, p.max)
	}
	if !p.pattern.Match(reply) {
		return downAs(FailBadReply, "UDP %s: reply % x does not match %s", p.ep.remote, reply, p.pattern)
	}
	return up(fmt.Sprintf("UDP %s: reply matches", p.ep.remote))
}
