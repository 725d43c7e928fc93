package httpcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/checkwire"
)

// Serve is the govrrpd-check helper's loop: it says hello on out, then
// builds the checkers govrrpd adds on in (with New, the code govrrpd ran
// in process before Session 9) and runs each Probe on its own goroutine,
// answering with the attempt's Outcome. It returns nil when in ends
// (govrrpd closed its end or exited) once the attempts under way have
// answered, or when ctx ends; an error for a stream it cannot read.
func Serve(ctx context.Context, in io.Reader, out io.Writer, log *slog.Logger) error {
	w := checkwire.NewWriter(out)
	if err := w.Send(checkwire.Hello, checkwire.AppendHello(nil, checkwire.Version)); err != nil {
		return err
	}
	s := &server{ctx: ctx, w: w, log: log, probers: map[uint32]check.Prober{}, work: make(chan job), quit: make(chan struct{})}
	defer s.wg.Wait()
	defer close(s.quit) // idle workers exit; busy ones finish their attempt
	r := checkwire.NewReader(in)
	for ctx.Err() == nil {
		typ, p, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read from govrrpd: %w", err)
		}
		if err := s.handle(typ, p); err != nil {
			return err
		}
	}
	return nil
}

type server struct {
	ctx     context.Context
	w       *checkwire.Writer
	log     *slog.Logger
	probers map[uint32]check.Prober // the reading goroutine's alone
	wg      sync.WaitGroup          // workers
	// work hands an attempt to an idle worker. Workers outlive their
	// attempt (workerIdle): a fresh goroutine per attempt grew its stack
	// through the dial path every time, as the scheduler's comment says.
	work chan job
	quit chan struct{}
}

type job struct {
	pr check.Prober
	m  checkwire.ProbeMsg
}

// workerIdle is how long a worker waits for its next attempt before it
// exits; delay_loop is rarely longer.
const workerIdle = 10 * time.Second

func (s *server) handle(typ checkwire.Type, p []byte) error {
	switch typ {
	case checkwire.Add:
		id, spec, err := checkwire.ParseAdd(p)
		if err != nil {
			return err
		}
		refused := ""
		if pr, err := New(spec.Checker()); err != nil {
			refused = err.Error()
			s.log.Error("checker refused", "id", id, "kind", spec.Kind, "real", spec.Real, "err", err)
		} else {
			s.probers[id] = pr
		}
		return s.w.Send(checkwire.Added, checkwire.AppendAdded(nil, id, refused))
	case checkwire.Drop:
		id, err := checkwire.ParseDrop(p)
		if err != nil {
			return err
		}
		delete(s.probers, id)
		return nil
	case checkwire.Probe:
		m, err := checkwire.ParseProbe(p)
		if err != nil {
			return err
		}
		pr := s.probers[m.ID]
		if pr == nil {
			// Refused at Add (logged then), or a Probe that crossed a Drop.
			return s.answer(m.Seq, check.NoVerdict("checker %d is not running in the helper", m.ID))
		}
		select {
		case s.work <- job{pr, m}:
		default:
			s.wg.Add(1)
			go s.worker(job{pr, m})
		}
		return nil
	}
	return fmt.Errorf("%w: unexpected %s from govrrpd", checkwire.ErrFrame, typ)
}

// worker runs j, then the attempts handed to it until it has been idle
// for workerIdle.
func (s *server) worker(j job) {
	defer s.wg.Done()
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		s.probe(j.pr, j.m)
		idle.Reset(workerIdle)
		select {
		case j = <-s.work:
		case <-idle.C:
			return
		case <-s.quit:
			return
		}
	}
}

func (s *server) probe(pr check.Prober, m checkwire.ProbeMsg) {
	ctx, cancel := context.WithDeadline(s.ctx, time.Unix(0, m.Deadline))
	out := pr.Probe(ctx)
	cancel()
	if err := s.answer(m.Seq, out); err != nil {
		s.log.Debug("result not sent", "err", err) // govrrpd is gone; the reader sees it
	}
}

func (s *server) answer(seq uint64, o check.Outcome) error {
	return s.w.Send(checkwire.Result, checkwire.AppendResult(nil, seq, o))
}
