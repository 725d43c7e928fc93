package lab

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/netip"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/vishvananda/netns"
)

// InNS runs fn on an OS thread switched into h's namespace. Sockets fn
// opens belong to that namespace for life, so the demo and the benchmark
// can probe from the client without a helper process per probe. The
// thread is never unlocked: Go discards it when the goroutine ends, so no
// other goroutine ever runs inside a lab namespace by accident.
func (h *Host) InNS(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		ns, err := netns.GetFromName(h.NS)
		if err != nil {
			errc <- fmt.Errorf("lab: namespace %s: %w", h.NS, err)
			return
		}
		defer ns.Close()
		if err := netns.Set(ns); err != nil {
			errc <- fmt.Errorf("lab: enter %s: %w", h.NS, err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// Pinger is the client-side outage meter: ICMP echo to one IPv4 address
// at a fixed interval, every send and reply time kept.
type Pinger struct {
	fd     int
	id     uint16
	mu     sync.Mutex
	probes []Probe
	// read: every packet that reached the socket before it has been read
	// (ReadPast).
	read time.Time
	stop chan struct{}
	wg   sync.WaitGroup
}

// StartPinger probes target from h every interval until Stop.
func (h *Host) StartPinger(target netip.Addr, interval time.Duration) (*Pinger, error) {
	if !target.Is4() {
		return nil, fmt.Errorf("pinger: %s: only IPv4 targets", target)
	}
	var fd int
	err := h.InNS(func() error {
		var err error
		fd, err = syscall.Socket(syscall.AF_INET, syscall.SOCK_RAW, syscall.IPPROTO_ICMP)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("pinger in %s: raw socket: %w", h.Name, err)
	}
	// The kernel's receive time, not the reader's: a reader descheduled
	// for a few milliseconds must not turn prompt replies into late ones.
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("pinger: SO_TIMESTAMPNS: %w", err)
	}
	tv := syscall.NsecToTimeval((20 * time.Millisecond).Nanoseconds())
	if err := syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("pinger: SO_RCVTIMEO: %w", err)
	}
	var idb [2]byte
	_, _ = rand.Read(idb[:])
	p := &Pinger{fd: fd, id: binary.BigEndian.Uint16(idb[:]), stop: make(chan struct{})}
	dst := &syscall.SockaddrInet4{Addr: target.As4()}
	p.wg.Add(2)
	go p.send(dst, interval)
	go p.receive()
	return p, nil
}

func (p *Pinger) send(dst *syscall.SockaddrInet4, interval time.Duration) {
	defer p.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	payload := make([]byte, 16)
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		p.mu.Lock()
		seq := len(p.probes)
		p.probes = append(p.probes, Probe{Seq: seq, Sent: time.Now()})
		p.mu.Unlock()
		// A send error (neighbour FAILED: EHOSTUNREACH) is a lost probe.
		_ = syscall.Sendto(p.fd, encodeEcho(p.id, uint16(seq), payload), 0, dst)
		left := time.Now()
		p.mu.Lock()
		p.probes[seq].Left = left
		p.mu.Unlock()
	}
}

func (p *Pinger) receive() {
	defer p.wg.Done()
	buf, oob := make([]byte, 1500), make([]byte, 128)
	for {
		select {
		case <-p.stop:
			return
		default:
		}
		start := time.Now()
		n, oobn, _, _, err := syscall.Recvmsg(p.fd, buf, oob, 0)
		now := time.Now()
		if err != nil {
			if err == syscall.EAGAIN {
				// Nothing for the receive timeout: the socket was empty
				// when the call began.
				p.readTo(start)
			}
			continue // look at stop again
		}
		if at, ok := rxStamp(oob[:oobn]); ok {
			now = at
		}
		// The socket's queue is in arrival order: whatever came before
		// this packet has been read.
		p.readTo(now)
		_, id, seq, err := parseEchoReply(buf[:n])
		if err != nil || id != p.id {
			continue
		}
		p.mu.Lock()
		if last := len(p.probes) - 1; last >= 0 {
			// seq is 16 bits: the newest probe with these low bits.
			i := last - int(uint16(last)-seq)
			if i >= 0 && p.probes[i].Recv.IsZero() {
				p.probes[i].Recv = now
			}
		}
		p.mu.Unlock()
	}
}

func (p *Pinger) readTo(t time.Time) {
	p.mu.Lock()
	if t.After(p.read) {
		p.read = t
	}
	p.mu.Unlock()
}

// ReadPast waits up to timeout until the reader has read every reply that
// reached the socket before t, and reports whether it did. A reply is
// dated by the kernel, but recorded only when the reader runs: a reader
// descheduled on a loaded machine leaves prompt replies unrecorded, and an
// outage measured then would count their probes lost.
func (p *Pinger) ReadPast(t time.Time, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		p.mu.Lock()
		done := !p.read.Before(t)
		p.mu.Unlock()
		if done {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// Probes returns a copy of what has been measured so far.
func (p *Pinger) Probes() []Probe {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Probe(nil), p.probes...)
}

// Stop ends probing, closes the socket and returns every probe.
func (p *Pinger) Stop() []Probe {
	close(p.stop)
	p.wg.Wait()
	syscall.Close(p.fd)
	return p.Probes()
}

// rxStamp is the kernel's receive time from an SCM_TIMESTAMPNS message.
func rxStamp(oob []byte) (time.Time, bool) {
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		return time.Time{}, false
	}
	for _, m := range msgs {
		if m.Header.Level == syscall.SOL_SOCKET && m.Header.Type == syscall.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
			sec := int64(binary.NativeEndian.Uint64(m.Data[0:8]))
			nsec := int64(binary.NativeEndian.Uint64(m.Data[8:16]))
			return time.Unix(sec, nsec), true
		}
	}
	return time.Time{}, false
}
