package check

import (
	"context"
	"fmt"
	"net"
	"net/textproto"
	"os"
)

// smtpProber holds keepalived's SMTP dialogue: 220 banner, HELO → 250,
// QUIT → 221.
type smtpProber struct {
	ep   endpoint
	helo string
}

func newSMTP(c Checker) (Prober, error) {
	if c.Target.Real.Port() == 0 && c.ConnectPort == 0 {
		c.ConnectPort = 25 // keepalived's default port for SMTP_CHECK
	}
	ep, err := newEndpoint(c, true)
	if err != nil {
		return nil, err
	}
	helo := ""
	if c.SMTP() != nil {
		helo = c.SMTP().HeloName
	}
	if helo == "" {
		if helo, err = os.Hostname(); err != nil || helo == "" {
			helo = "localhost"
		}
	}
	return &smtpProber{ep: ep, helo: helo}, nil
}

// Probe runs the dialogue; multi-line replies are accepted.
func (p *smtpProber) Probe(ctx context.Context) Outcome {
	conn, err := p.ep.dial(ctx, "tcp")
	if err != nil {
		return down("SMTP connect to %s: %v", p.ep.remote, err)
	}
	defer conn.Close()
	deadline(ctx, conn)
	return p.dialogue(conn)
}

// dialogue is the banner, HELO and QUIT exchange on a connected conn: the
// server's replies are outside input.
func (p *smtpProber) dialogue(conn net.Conn) Outcome {
	tc := textproto.NewConn(conn)
	steps := []struct {
		send string
		want int
	}{{"", 220}, {"HELO " + p.helo, 250}, {"QUIT", 221}}
	for _, s := range steps {
		if s.send != "" {
			if err := tc.PrintfLine("%s", s.send); err != nil {
				return down("SMTP %s to %s: %v", s.send, p.ep.remote, err)
			}
		}
		if _, _, err := tc.ReadResponse(s.want); err != nil {
			what := s.send
			if what == "" {
				what = "banner"
			}
			return down("SMTP %s on %s: %v", what, p.ep.remote, err)
		}
	}
	return up(fmt.Sprintf("SMTP dialogue with %s", p.ep.remote))
}
