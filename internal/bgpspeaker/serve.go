package bgpspeaker

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/internal/bgpwire"
)

// ServeOptions configure Serve.
type ServeOptions struct {
	// Interval is how often the conditions are judged (Options.Interval).
	Interval time.Duration
	// Level is the lowest level of the records sent to govrrpd: what its
	// own logger would drop is not worth the pipe.
	Level slog.Leveler
}

// Serve is the helper's side of internal/bgpwire: it runs one Speaker for
// the govrrpd at the other end of in and out until that govrrpd says stop
// or goes away (in closed or ctx done). Either way the announcements are
// withdrawn and the peers waited for, as on Stop, so a daemon that dies
// still takes its routes with it.
func Serve(ctx context.Context, in io.Reader, out io.Writer, o ServeOptions) error {
	w := bgpwire.NewWriter(out)
	if o.Level == nil {
		o.Level = slog.LevelInfo
	}
	log := slog.New(bgpwire.NewHandler(func(r bgpwire.Record) {
		w.Send(bgpwire.Msg{Kind: bgpwire.Log, Log: &r}) // a broken pipe shows as the reader's EOF
	}, o.Level))
	var cond pushed
	s := New(Options{Log: log, State: cond.get, Interval: o.Interval})
	if err := w.Send(bgpwire.Msg{Kind: bgpwire.Hello}); err != nil {
		return err
	}
	msgs, ended := make(chan bgpwire.Msg), make(chan error, 1)
	go readAll(bgpwire.NewReader(in), msgs, ended, log)
	stop := func() { s.Stop(context.WithoutCancel(ctx)) }
	for {
		select {
		case <-ctx.Done():
			stop()
			return nil
		case err := <-ended:
			stop()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		case m := <-msgs:
			switch m.Kind {
			case bgpwire.Config:
				reply := bgpwire.Msg{Kind: bgpwire.Result, ID: m.ID}
				if err := s.Reload(ctx, m.Config); err != nil { // Start when not running
					reply.Err = err.Error()
				}
				w.Send(reply)
			case bgpwire.State:
				cond.set(m)
				s.Kick()
			case bgpwire.Status:
				go func() { // GoBGP's answer must not hold up the conditions
					reply := bgpwire.Msg{Kind: bgpwire.Status, ID: m.ID}
					st, err := s.Status(ctx)
					reply.Status = &st
					if err != nil {
						reply.Err = err.Error()
					}
					w.Send(reply)
				}()
			case bgpwire.Stop:
				stop()
				return w.Send(bgpwire.Msg{Kind: bgpwire.Done, ID: m.ID})
			default:
				log.Warn("BGP helper: unexpected message from govrrpd", "kind", m.Kind)
			}
		}
	}
}

// readAll hands on each message from govrrpd; a line it cannot read is
// logged and skipped, the end of the pipe ends it.
func readAll(r *bgpwire.Reader, msgs chan<- bgpwire.Msg, ended chan<- error, log *slog.Logger) {
	for {
		m, err := r.Next()
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, bgpwire.ErrPipe):
			ended <- err
			return
		case errors.Is(err, bgpwire.ErrVersion):
			log.Error("BGP helper: message from a govrrpd of another release; install the govrrpd-bgp of the same one", "err", err)
		case err != nil:
			log.Error("BGP helper: unreadable message from govrrpd", "err", err)
		default:
			msgs <- m
		}
	}
}

// errNoState is the conditions' source until govrrpd has sent them: the
// announcements wait.
var errNoState = errors.New("no conditions from govrrpd yet")

// pushed is the conditions as govrrpd last sent them.
type pushed struct {
	mu   sync.Mutex
	st   bgp.State
	err  error
	have bool
}

func (p *pushed) set(m bgpwire.Msg) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.have, p.err = true, nil
	if m.Err != "" {
		p.err = errors.New(m.Err)
		return
	}
	p.st = *m.State
}

func (p *pushed) get(context.Context) (bgp.State, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !p.have:
		return bgp.State{}, errNoState
	case p.err != nil:
		return bgp.State{}, p.err
	}
	return p.st, nil
}
