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
	s := &server{ctx: ctx, w: w, log: log, probers: map[uint32]check.Prober{}}
	defer s.wg.Wait()
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
	wg      sync.WaitGroup          // attempts under way
}

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
		s.wg.Add(1)
		go s.probe(pr, m)
		return nil
	}
	return fmt.Errorf("%w: unexpected %s from govrrpd", checkwire.ErrFrame, typ)
}

func (s *server) probe(pr check.Prober, m checkwire.ProbeMsg) {
	defer s.wg.Done()
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
