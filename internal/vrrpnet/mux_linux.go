package vrrpnet

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Mux waits on many sockets at once, so that one goroutine with one set
// of buffers reads every interface's adverts. A goroutine per socket cost
// its stack, a batch of receive slots and the batches it handed on, for
// each of sixteen interfaces that were mostly idle (docs/scale.md).
//
// It is an epoll instance of its own, level-triggered on the sockets,
// itself waited on through Go's poller: a packet wakes the waiting
// goroutine as soon as it would have woken a reader blocked on its
// socket, with no polling interval. The sockets stay in Go's poller too
// (their Readers, Poll and Close work as before).
type Mux struct {
	f      *os.File
	rc     syscall.RawConn
	epfd   int
	mu     sync.Mutex
	socks  map[uint32]*Socket // by the epoll event's tag
	closed bool               // its descriptor's number may be another file's now
	next   uint32
	events []unix.EpollEvent
	ready  []*Socket
	got    int
	err    error
	waitFn func(fd uintptr) bool
}

// muxEvents bounds the sockets one Wait reports; the others stay ready
// for the next.
const muxEvents = 32

// NewMux returns a Mux watching no socket.
func NewMux() (*Mux, error) {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("vrrp sockets' epoll: %w", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("vrrp sockets' epoll: %w", err)
	}
	m := &Mux{f: os.NewFile(uintptr(fd), "vrrp-sockets"), epfd: fd, socks: map[uint32]*Socket{},
		events: make([]unix.EpollEvent, muxEvents), ready: make([]*Socket, 0, muxEvents)}
	if m.rc, err = m.f.SyscallConn(); err != nil {
		m.f.Close()
		return nil, fmt.Errorf("vrrp sockets' epoll: %w", err)
	}
	m.waitFn = func(uintptr) bool {
		m.got, m.err = m.poll()
		return m.err != nil || m.got > 0 // else wait on Go's poller
	}
	return m, nil
}

// Add watches s until Remove or its Close.
func (m *Mux) Add(s *Socket) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return fmt.Errorf("vrrp socket on %s: epoll: %w", s.Iface.Name, os.ErrClosed)
	}
	m.next++
	for m.socks[m.next] != nil || m.next == 0 {
		m.next++
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN}
	*(*uint32)(unsafe.Pointer(&ev.Fd)) = m.next
	err := s.setsockopt(func(fd int) error { return unix.EpollCtl(m.epfd, unix.EPOLL_CTL_ADD, fd, &ev) })
	if err != nil {
		return fmt.Errorf("vrrp socket on %s: epoll: %w", s.Iface.Name, err)
	}
	m.socks[m.next] = s
	return nil
}

// Remove stops watching s; a Wait under way may still report it once,
// and reading it then fails as it does once it is closed.
func (m *Mux) Remove(s *Socket) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for tag, x := range m.socks {
		if x == s {
			delete(m.socks, tag)
		}
	}
	if m.closed {
		return
	}
	// A closed socket has left the epoll set already.
	_ = s.setsockopt(func(fd int) error { return unix.EpollCtl(m.epfd, unix.EPOLL_CTL_DEL, fd, nil) })
}

// Wait blocks until a watched socket has a packet queued and returns the
// ready ones, valid until the next Wait. One goroutine calls it.
func (m *Mux) Wait() ([]*Socket, error) {
	for {
		err := m.rc.Read(m.waitFn)
		if err == nil {
			err = m.err
		}
		if err != nil {
			return nil, fmt.Errorf("vrrp sockets' epoll: %w", err)
		}
		m.mu.Lock()
		m.ready = m.ready[:0]
		for _, ev := range m.events[:m.got] {
			if s := m.socks[*(*uint32)(unsafe.Pointer(&ev.Fd))]; s != nil {
				m.ready = append(m.ready, s)
			}
		}
		m.mu.Unlock()
		if len(m.ready) > 0 {
			return m.ready, nil
		}
	}
}

// poll asks the epoll set without waiting. It is a raw system call for
// the reason Reader.recv's is: it returns at once.
func (m *Mux) poll() (int, error) {
	for {
		n, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(m.epfd), uintptr(unsafe.Pointer(&m.events[0])),
			uintptr(len(m.events)), 0, 0, 0)
		switch e {
		case 0:
			return int(n), nil
		case unix.EINTR:
			continue
		}
		return 0, e
	}
}

// Close ends a blocked Wait with an error; Remove then only forgets.
func (m *Mux) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return m.f.Close()
}
