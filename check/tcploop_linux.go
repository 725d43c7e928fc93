package check

import (
	"container/heap"
	"context"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// tcpLoop runs the scheduler's TCP_CHECKs on one goroutine around its own
// epoll set, the way keepalived's checker thread does. On the generic path
// an attempt costs a runtime timer, a goroutine for its callback, a channel
// hand-off to a worker and a wake-up of another thread; at thousands of
// attempts a second (and far more under emulation) that runtime work cost
// more CPU than the connect itself. Here an attempt is the system calls of
// the connect and nothing else, and the loop sleeps in a single epoll_wait
// until the next check is due or a connect finishes.
//
// The loop waits for its epoll set through the runtime's poller (an epoll
// descriptor is itself pollable) rather than in a blocking epoll_wait: a
// goroutine blocked in a system call has its P taken, and on the way back
// wakes sysmon into a burst of 20 µs sleeps and a preemption signal, every
// check. Its clock is a timerfd in the same set rather than a runtime
// timer (a read deadline), which under strace cost one more thread
// wake-up per check and fires up to a millisecond late.
type tcpLoop struct {
	s         *Scheduler
	epfd      int
	epf       *os.File        // epfd in the runtime's poller
	eprc      syscall.RawConn // waits on epf
	wakefd    int             // eventfd: Stop interrupts the wait through it
	timerfd   int             // fires when the next attempt or deadline is due
	armed     time.Time       // what timerfd is set for (zero: disarmed)
	due       dueHeap
	byFD      map[int32]*flight
	byDL      flightHeap
	events    []unix.EpollEvent
	maxFlying int
	// slot groups the wake-ups: attempts due within one slot run together
	// at its end, so the loop wakes at most 1/slot times a second however
	// many servers it checks (each wake-up of an idle Go process costs
	// several thread switches). Due times stay unrounded, so the lateness
	// is at most one slot and does not accumulate.
	slot  time.Duration
	begun []begun       // connects of this batch, not yet polled
	pfds  []unix.PollFd // pollBegun's buffer
	epoch time.Time     // the slot grid's origin and the base of now (monotonic)
}

// maxSlot bounds the grouping of wake-ups; a checker's slot is also at most
// a twentieth of its delay_loop, so short loops keep their precision.
const maxSlot = 25 * time.Millisecond

// flight is a connect in progress.
type flight struct {
	lr       *loopRun
	start    time.Time
	fd       int
	deadline time.Time
	idx      int
}

// newTCPLoop opens the epoll set; the runs are queued by add.
func newTCPLoop(s *Scheduler) (*tcpLoop, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	wfd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, os.NewSyscallError("eventfd", err)
	}
	l := &tcpLoop{s: s, epfd: epfd, wakefd: wfd, timerfd: -1, byFD: map[int32]*flight{},
		events: make([]unix.EpollEvent, 256), maxFlying: s.opts.MaxConcurrent,
		slot: maxSlot, epoch: time.Now(),
		begun: make([]begun, 0, maxBatch), pfds: make([]unix.PollFd, 0, maxBatch)}
	if l.timerfd, err = unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC); err != nil {
		l.closeFDs()
		return nil, os.NewSyscallError("timerfd_create", err)
	}
	for _, fd := range []int{wfd, l.timerfd} {
		ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
		if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
			l.closeFDs()
			return nil, os.NewSyscallError("epoll_ctl", err)
		}
	}
	if err := unix.SetNonblock(epfd, true); err != nil {
		l.closeFDs()
		return nil, os.NewSyscallError("fcntl", err)
	}
	l.epf = os.NewFile(uintptr(epfd), "tcp-check-epoll") // non-blocking, so it joins the poller
	if l.eprc, err = l.epf.SyscallConn(); err != nil {
		l.closeFDs()
		return nil, err
	}
	return l, nil
}

// add queues r's first attempt at r.due.
func (l *tcpLoop) add(r *run) {
	l.slot = min(l.slot, r.c.DelayLoop/20)
	p := r.prober.(tcpProber)
	heap.Push(&l.due, &loopRun{r: r, p: p, dest: newRawDest(p.ep.remote)})
}

// run is the loop; it returns when ctx is cancelled, closing every socket
// still connecting.
func (l *tcpLoop) run(ctx context.Context) {
	defer l.s.wg.Done()
	stop := context.AfterFunc(ctx, func() {
		_, _ = unix.Write(l.wakefd, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	})
	defer stop()
	defer l.close()
	for ctx.Err() == nil {
		now := l.now()
		l.expire(now)
		l.startDue(now)
		n, err := l.wait(now)
		if err != nil {
			l.s.opts.Logger.Error("TCP_CHECK loop: waiting for sockets failed; checks stop", "err", err)
			return
		}
		for _, ev := range l.events[:n] {
			switch ev.Fd {
			case int32(l.wakefd):
			case int32(l.timerfd):
				rawDrain(l.timerfd)
				l.armed = time.Time{}
			default:
				l.complete(ev.Fd)
			}
		}
	}
}

// startDue begins every attempt that is due, as long as fewer than
// MaxConcurrent connects are in flight (a farm of silent servers must not
// exhaust file descriptors).
func (l *tcpLoop) startDue(now time.Time) {
	defer l.pollBegun()
	for first := true; len(l.due) > 0 && len(l.byFD)+len(l.begun) < l.maxFlying; first = false {
		if !first {
			now = l.now() // a batch can take milliseconds under load
		}
		if l.due[0].r.due.After(now) {
			return
		}
		lr := heap.Pop(&l.due).(*loopRun)
		if lr.r.retired.Load() {
			continue // its real server left the configuration (Adopt)
		}
		l.s.noteLateness(lr.r, now)
		// A connect that ends at once ends at now: the microseconds it
		// took do not matter to the next due time, and reading the clock
		// again would cost a system call where there is no vDSO clock.
		fd, err := l.startConnect(lr)
		switch {
		case err != nil:
			l.finish(lr, now, now, lr.p.failed(err))
		case fd < 0:
			l.finish(lr, now, now, up(lr.p.ok))
		default:
			l.begun = append(l.begun, begun{lr: lr, fd: fd, start: now})
			if len(l.begun) == maxBatch {
				l.pollBegun()
			}
		}
	}
}

// complete handles readiness of a connecting socket.
func (l *tcpLoop) complete(fd int32) {
	f := l.byFD[fd]
	if f == nil {
		return
	}
	err := connectDone(f.fd)
	if err == unix.EINPROGRESS {
		return // woken before the handshake ended; keep waiting
	}
	l.land(f)
	if err != nil {
		l.finish(f.lr, f.start, l.now(), f.lr.p.failed(os.NewSyscallError("connect", err)))
		return
	}
	l.finish(f.lr, f.start, l.now(), up(f.lr.p.ok))
}

// expire gives up on connects whose connect_timeout has passed.
func (l *tcpLoop) expire(now time.Time) {
	for len(l.byDL) > 0 && !l.byDL[0].deadline.After(now) {
		f := l.byDL[0]
		l.land(f)
		l.finish(f.lr, f.start, now, f.lr.p.failed(os.ErrDeadlineExceeded)) // "i/o timeout", as net says
	}
}

// land forgets f and closes its socket (see resets; a connect still under
// way is dropped); closing removes it from the epoll set.
func (l *tcpLoop) land(f *flight) {
	delete(l.byFD, int32(f.fd))
	heap.Remove(&l.byDL, f.idx)
	rawClose(f.fd)
}

// finish records an outcome of an attempt that ran from start to end and
// queues the run's next attempt.
func (l *tcpLoop) finish(lr *loopRun, start, end time.Time, out Outcome) {
	s, r := l.s, lr.r
	if s.opts.Observe != nil {
		s.opts.Observe(r.c.Kind, out.Up, end.Sub(start))
	}
	s.stats.Attempts.Add(1)
	if !out.Up {
		s.stats.Failures.Add(1)
	}
	r.due = nextDue(r.due, start, end, s.record(r, out, start, end))
	if !r.retired.Load() {
		heap.Push(&l.due, lr)
	}
}

// now reads the monotonic clock only. time.Now also reads the wall clock,
// and where the kernel offers no vDSO clock (a VM whose clock source is not
// the TSC, such as qemu under TCG) each reading is a system call: four per
// check, a fifth of the checker's system calls. The loop only compares and
// subtracts times, which use the monotonic reading.
func (l *tcpLoop) now() time.Time { return l.epoch.Add(time.Since(l.epoch)) }

// nextDue keeps a checker on its own rhythm: the next attempt is due one
// delay after this one was due, less the time the loop took to start it,
// so neither slot grouping nor the loop's latency makes the period drift
// past delay_loop (a drifting period loses a one-second window now and
// then). An attempt that ran longer than the delay, such as a connect that
// timed out, is followed the full delay after it ended, as keepalived does;
// so is one started so late that its rhythm is already past, so that a
// loop that fell behind does not catch up in a burst.
func nextDue(due, start, end time.Time, delay time.Duration) time.Time {
	n := due.Add(delay)
	if end.Sub(start) >= delay || !n.After(end) {
		return end.Add(delay)
	}
	return n
}

// wait returns the number of ready events in l.events, waiting in the
// runtime's poller until there are some or the next attempt or connect
// deadline is due (then 0).
func (l *tcpLoop) wait(now time.Time) (int, error) {
	next := l.wakeAt()
	if !next.IsZero() && !next.After(now) {
		return 0, nil
	}
	if !next.Equal(l.armed) {
		// Relative to now; zero disarms. A timer set a moment early only
		// costs one more turn of the loop.
		var ns int64
		if !next.IsZero() {
			ns = int64(next.Sub(now))
		}
		if err := rawTimerfdSet(l.timerfd, ns); err != nil {
			return 0, os.NewSyscallError("timerfd_settime", err)
		}
		l.armed = next
	}
	n := 0
	err := l.eprc.Read(func(fd uintptr) bool {
		n, _ = rawEpollPoll(int(fd), l.events)
		return n > 0
	})
	return max(n, 0), err
}

// wakeAt is when the loop must run again without any socket event: the next
// due attempt (unless MaxConcurrent connects are in flight) or connect
// deadline; zero when there is neither.
func (l *tcpLoop) wakeAt() time.Time {
	var next time.Time
	if len(l.due) > 0 && len(l.byFD) < l.maxFlying {
		next = l.slotEnd(l.due[0].r.due)
	}
	if len(l.byDL) > 0 && (next.IsZero() || l.byDL[0].deadline.Before(next)) {
		next = l.byDL[0].deadline
	}
	return next
}

func (l *tcpLoop) close() {
	for len(l.byDL) > 0 {
		l.land(l.byDL[0])
	}
	unix.Close(l.wakefd)
	unix.Close(l.timerfd)
	l.epf.Close()
}

// slotEnd rounds t up to the slot grid.
func (l *tcpLoop) slotEnd(t time.Time) time.Time {
	if l.slot <= 0 {
		return t
	}
	off := t.Sub(l.epoch)
	return l.epoch.Add((off + l.slot - 1) / l.slot * l.slot)
}

// closeFDs releases the descriptors of a loop that failed to build.
func (l *tcpLoop) closeFDs() {
	if l.timerfd >= 0 {
		unix.Close(l.timerfd)
	}
	unix.Close(l.wakefd)
	unix.Close(l.epfd)
}

// dueHeap orders idle runs by due time.
type dueHeap []*loopRun

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].r.due.Before(h[j].r.due) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(*loopRun)) }
func (h *dueHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return r
}

// flightHeap orders connects in progress by deadline.
type flightHeap []*flight

func (h flightHeap) Len() int           { return len(h) }
func (h flightHeap) Less(i, j int) bool { return h[i].deadline.Before(h[j].deadline) }
func (h flightHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *flightHeap) Push(x any) {
	f := x.(*flight)
	f.idx = len(*h)
	*h = append(*h, f)
}
func (h *flightHeap) Pop() any {
	old := *h
	f := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return f
}

// haveTCPLoop: Linux has the epoll, timerfd and eventfd the loop runs on.
const haveTCPLoop = true
