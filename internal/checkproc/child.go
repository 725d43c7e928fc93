package checkproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/checkwire"
)

// helloWait bounds the helper's start on a busy machine; a program that
// does not answer by then is not the helper.
const helloWait = 10 * time.Second

// child is one run of the helper.
type child struct {
	cmd  *exec.Cmd
	w    *checkwire.Writer
	pipe *os.File // our write end: closing it ends the helper

	mu      sync.Mutex
	seq     uint64
	pending map[uint64]pending // nil once the helper exited
	// watched holds, for each context of pending attempts (a scheduler's),
	// what stops the hook that answers them when it is cancelled: one
	// hook per scheduler, not one per attempt.
	watched map[context.Context]func() bool

	exited chan struct{} // closed once the helper has exited and been read to the end
	err    error         // how it exited, set before exited closes
}

// pending is an attempt sent to the helper: where its result goes, and
// when the sweep gives up on it (its deadline and the grace after it).
type pending struct {
	done    func(check.Outcome) // called once, never under c.mu
	expires int64               // Unix nanoseconds
	ctx     context.Context     // answered with no verdict once it is cancelled
}

// spawn starts the helper and waits for its hello; refused reports each
// checker's Added (why is "" for one accepted), and so
// checkers it refuses.
func spawn(helper string, level slog.Level, refused func(id uint32, why string)) (*child, error) {
	attr, err := sysProcAttr()
	if err != nil {
		return nil, err
	}
	toR, toW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("checker helper: %w", err)
	}
	fromR, fromW, err := os.Pipe()
	if err != nil {
		toR.Close()
		toW.Close()
		return nil, fmt.Errorf("checker helper: %w", err)
	}
	cmd := exec.Command(helper, "-log-level", level.String())
	cmd.ExtraFiles = []*os.File{toR, fromW} // fd 3 and 4
	cmd.Stderr = os.Stderr                  // its log and a panic reach the journal
	cmd.SysProcAttr = attr
	err = cmd.Start()
	toR.Close()
	fromW.Close()
	if err != nil {
		toW.Close()
		fromR.Close()
		return nil, fmt.Errorf("checker helper %s: %w", helper, err)
	}
	c := &child{cmd: cmd, w: checkwire.NewWriter(toW), pipe: toW, pending: map[uint64]pending{},
		watched: map[context.Context]func() bool{},
		exited:  make(chan struct{})}
	hello, read := make(chan error, 1), make(chan struct{})
	go func() { c.read(fromR, hello, refused); close(read) }()
	go c.reap(fromR, read)
	go c.sweep(sweepEvery)
	select {
	case err = <-hello:
	case <-time.After(helloWait):
		err = errors.New("no hello")
	}
	if err != nil {
		c.kill()
		return nil, fmt.Errorf("checker helper %s: %w", helper, err)
	}
	return c, nil
}

// read takes the helper's frames until its end of the pipe closes.
func (c *child) read(r io.Reader, hello chan<- error, refused func(uint32, string)) {
	in := checkwire.NewReader(r)
	typ, p, err := in.Next()
	if err != nil {
		hello <- fmt.Errorf("exited before its hello (%v)", err)
		return
	}
	v, err := checkwire.ParseHello(p)
	switch {
	case typ != checkwire.Hello || err != nil:
		hello <- fmt.Errorf("not a govrrpd checker helper (first frame %s)", typ)
		return
	case v != checkwire.Version:
		hello <- fmt.Errorf("speaks protocol version %d, this govrrpd %d: install the govrrpd-check of the same release", v, checkwire.Version)
		return
	}
	hello <- nil
	for {
		typ, p, err := in.Next()
		if err != nil {
			return
		}
		switch typ {
		case checkwire.Result:
			if seq, o, err := checkwire.ParseResult(p); err == nil {
				c.deliver(seq, o)
			}
		case checkwire.Added:
			if id, why, err := checkwire.ParseAdded(p); err == nil {
				refused(id, why)
			}
		}
	}
}

// readGrace is how long the reader may go on after the helper exited:
// its last results are still in the pipe.
const readGrace = time.Second

// reap waits for the helper to exit and the reader to drain the pipe.
func (c *child) reap(r *os.File, read <-chan struct{}) {
	err := c.cmd.Wait()
	select {
	case <-read:
	case <-time.After(readGrace):
	}
	r.Close()
	<-read
	c.pipe.Close()
	c.err = err
	c.mu.Lock()
	left := c.pending
	c.pending = nil
	for _, stop := range c.watched {
		stop()
	}
	c.watched = nil
	c.mu.Unlock()
	close(c.exited)
	for _, p := range left {
		p.done(check.NoVerdict("the checker helper exited during the attempt"))
	}
}

// expect registers an attempt: its sequence number. Its outcome goes to
// done once: the helper's, or no verdict once expires has passed (the
// sweep), ctx is cancelled (one that cannot be is not watched), or the
// helper exits. ok is false once the helper has exited; done is not
// called then.
func (c *child) expect(ctx context.Context, done func(check.Outcome), expires time.Time) (seq uint64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		return 0, false
	}
	if ctx.Done() != nil && c.watched[ctx] == nil {
		c.watched[ctx] = context.AfterFunc(ctx, func() { c.cancelled(ctx) })
	}
	c.seq++
	c.pending[c.seq] = pending{done: done, expires: expires.UnixNano(), ctx: ctx}
	return c.seq, true
}

// take removes attempt seq; ok says it was still pending, and its done
// is now the caller's to call.
func (c *child) take(seq uint64) (p pending, ok bool) {
	c.mu.Lock()
	p, ok = c.pending[seq]
	delete(c.pending, seq)
	c.mu.Unlock()
	return p, ok
}

func (c *child) forget(seq uint64) { c.take(seq) }

// deliver hands an attempt's outcome to its prober. done must not block:
// it runs on the reader.
func (c *child) deliver(seq uint64, o check.Outcome) {
	if p, ok := c.take(seq); ok {
		p.done(o)
	}
}

// sweepEvery is how often the sweep looks for attempts the helper did not
// answer in time; an attempt gives up between its grace and its grace
// plus sweepEvery after its deadline.
const sweepEvery = 250 * time.Millisecond

// sweep answers the attempts whose deadline and grace have passed with no
// verdict (a hung helper), until the helper has exited. One ticker for
// the helper replaces a timer per attempt.
func (c *child) sweep(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.exited:
			return
		case now := <-t.C:
			c.expire(now)
		}
	}
}

// expire answers the attempts that expired by now.
func (c *child) expire(now time.Time) {
	n := now.UnixNano()
	c.answer(func(p pending) bool { return p.expires <= n }, "the checker helper did not answer by the deadline")
}

// cancelled answers the attempts of ctx, which has been cancelled (their
// scheduler stops).
func (c *child) cancelled(ctx context.Context) {
	c.mu.Lock()
	delete(c.watched, ctx)
	c.mu.Unlock()
	c.answer(func(p pending) bool { return p.ctx == ctx }, "the attempt was cancelled")
}

// answer gives no verdict to the pending attempts that match.
func (c *child) answer(match func(pending) bool, why string) {
	var done []func(check.Outcome)
	c.mu.Lock()
	for seq, p := range c.pending {
		if match(p) {
			delete(c.pending, seq)
			done = append(done, p.done)
		}
	}
	c.mu.Unlock()
	for _, f := range done {
		f(check.NoVerdict("%s", why))
	}
}

// stop closes the helper's input, which ends it once its attempts under
// way have answered; it is killed if it has not exited after wait.
func (c *child) stop(wait time.Duration) {
	c.pipe.Close()
	select {
	case <-c.exited:
	case <-time.After(wait):
		c.kill()
	}
}

// kill ends the helper at once and waits for it to be reaped.
func (c *child) kill() {
	c.pipe.Close()
	_ = c.cmd.Process.Kill()
	<-c.exited
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}
