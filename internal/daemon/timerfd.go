package daemon

import (
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// fdTimer is a protocol timer on a Linux timerfd. Go's runtime timers
// sleep in epoll_wait with a millisecond timeout, so a timer due in
// 0.4 ms can fire up to a millisecond late; a timerfd wakes the poller by
// an event, with microsecond precision. The master-down timer decides how
// long clients lose the VIP, so that millisecond is worth having.
type fdTimer struct {
	f   *os.File
	fd  int
	mu  sync.Mutex
	gen uint64 // generation of the current arming
}

// newFDTimer starts a timer whose expirations call fire with the
// generation they were armed with.
func newFDTimer(fire func(gen uint64)) (*fdTimer, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	t := &fdTimer{f: os.NewFile(uintptr(fd), "vrrp-timer"), fd: fd}
	go t.run(fire)
	return t, nil
}

func (t *fdTimer) run(fire func(uint64)) {
	var b [8]byte
	for {
		if _, err := t.f.Read(b[:]); err != nil {
			return // closed
		}
		t.mu.Lock()
		g := t.gen
		t.mu.Unlock()
		fire(g)
	}
}

// set arms the timer to expire once after d; re-arming discards a pending
// expiration (timerfd_settime resets the count).
func (t *fdTimer) set(d time.Duration, gen uint64) {
	t.mu.Lock()
	t.gen = gen
	t.mu.Unlock()
	if d <= 0 {
		d = time.Nanosecond // zero would disarm
	}
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(d))}
	_ = unix.TimerfdSettime(t.fd, 0, &spec, nil)
}

func (t *fdTimer) stop() {
	_ = unix.TimerfdSettime(t.fd, 0, &unix.ItimerSpec{}, nil)
}

func (t *fdTimer) close() { t.f.Close() }
