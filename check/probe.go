package check

import (
	"context"
	"fmt"
	"time"
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
		return newBFD(c)
	}
	return nil, fmt.Errorf("unknown checker kind %q", c.Kind)
}

type tcpProber struct {
	ep endpoint
	ok string // the success reason, built once rather than per attempt
}

func newTCP(c Checker) (Prober, error) {
	ep, err := newEndpoint(c, true)
	if err != nil {
		return nil, err
	}
	return tcpProber{ep: ep, ok: "TCP connect to " + ep.remote.String()}, nil
}

// Probe succeeds when the TCP handshake completes by ctx's deadline.
func (p tcpProber) Probe(ctx context.Context) Outcome {
	dl, _ := ctx.Deadline()
	return p.probeBy(ctx, dl)
}

// probeBy connects and closes at once. It is the TCP_CHECK path under a
// fake clock and for one-off probes; it closes the way the loop does
// (resets), so both paths leave the same traces on the server.
func (p tcpProber) probeBy(ctx context.Context, deadline time.Time) Outcome {
	if err := p.ep.connectClose(ctx, deadline); err != nil {
		return p.failed(err)
	}
	return up(p.ok)
}

func (p tcpProber) failed(err error) Outcome {
	return down("TCP connect to %s: %v", p.ep.remote, err)
}

// deadlineProber is a prober that bounds an attempt by an explicit deadline
// and stops early when ctx is cancelled, so the scheduler need not arm a
// context timer per attempt (a twentieth of a TCP_CHECK's CPU).
type deadlineProber interface {
	probeBy(ctx context.Context, deadline time.Time) Outcome
}

// DeadlineProber is deadlineProber for probers outside this package (the
// govrrpd-check client, internal/checkproc): ProbeBy ends by deadline,
// or early once ctx is cancelled, without the scheduler arming a context
// timer for each attempt.
type DeadlineProber interface {
	Prober
	ProbeBy(ctx context.Context, deadline time.Time) Outcome
}

// AsyncProber is a prober whose attempts need no goroutine waiting for
// them (the govrrpd-check client: the attempt runs in the helper). Begin
// starts an attempt bounded by deadline and returns; done is called once
// with its outcome, from any goroutine, at the latest shortly after the
// deadline or ctx's cancellation, and must not block. The scheduler begins
// such attempts from the checker's timer, not from a worker, and finishes
// them in done: no hand-off to a worker and back for each attempt.
type AsyncProber interface {
	Prober
	Begin(ctx context.Context, deadline time.Time, done func(Outcome))
}
