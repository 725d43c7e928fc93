package lab

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// A crash lands at a random phase of the master's advert timer, so the
// takeover time alone swings by a whole advert interval between runs. The
// advert log pins the phase: takeover minus (last advert heard +
// Master_Down_Interval) is how late the backup was, whatever the phase.

// AdvertSeen is one VRRP advert the client saw on the segment.
type AdvertSeen struct {
	Src      netip.Addr
	VRID     uint8
	Priority uint8
	At       time.Time
}

// parseAdvertIPv4 reads a raw IPv4 packet carrying VRRP (protocol 112).
func parseAdvertIPv4(pkt []byte) (src netip.Addr, vrid, prio uint8, err error) {
	if len(pkt) < 20 || pkt[0]>>4 != 4 {
		return src, 0, 0, errors.New("short or non-IPv4 packet")
	}
	ihl := int(pkt[0]&0x0f) * 4
	if ihl < 20 || len(pkt) < ihl+8 {
		return src, 0, 0, errors.New("truncated VRRP packet")
	}
	if pkt[9] != 112 {
		return src, 0, 0, errors.New("not VRRP")
	}
	v := pkt[ihl:]
	if ver, typ := v[0]>>4, v[0]&0x0f; (ver != 2 && ver != 3) || typ != 1 {
		return src, 0, 0, fmt.Errorf("VRRP version %d type %d", ver, typ)
	}
	return netip.AddrFrom4([4]byte(pkt[12:16])), v[1], v[2], nil
}

// AdvertLog records the IPv4 VRRP adverts a host receives.
type AdvertLog struct {
	fd   int
	mu   sync.Mutex
	seen []AdvertSeen
	stop chan struct{}
	done chan struct{}
}

// StartAdvertLog listens for VRRP adverts (224.0.0.18) on h's interface.
func (h *Host) StartAdvertLog() (*AdvertLog, error) {
	var fd int
	err := h.InNS(func() error {
		var err error
		if fd, err = syscall.Socket(syscall.AF_INET, syscall.SOCK_RAW, 112); err != nil {
			return err
		}
		mreq := &syscall.IPMreqn{Multiaddr: [4]byte{224, 0, 0, 18}}
		if ifi, err := h.ifIndex(); err == nil {
			mreq.Ifindex = int32(ifi)
		}
		return syscall.SetsockoptIPMreqn(fd, syscall.IPPROTO_IP, syscall.IP_ADD_MEMBERSHIP, mreq)
	})
	if err != nil {
		if fd > 0 {
			syscall.Close(fd)
		}
		return nil, fmt.Errorf("advert log in %s: %w", h.Name, err)
	}
	// Adverts are dated by the kernel's receive time, as the pinger's
	// replies are: a reader descheduled on a loaded machine must not move
	// the reference advert of a run (its late figure, its phase).
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("advert log: SO_TIMESTAMPNS: %w", err)
	}
	tv := syscall.NsecToTimeval((20 * time.Millisecond).Nanoseconds())
	_ = syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)
	a := &AdvertLog{fd: fd, stop: make(chan struct{}), done: make(chan struct{})}
	go a.read()
	return a, nil
}

func (h *Host) ifIndex() (int, error) {
	nh, err := h.handle()
	if err != nil {
		return 0, err
	}
	l, err := nh.LinkByName(h.If)
	if err != nil {
		return 0, err
	}
	return l.Attrs().Index, nil
}

func (a *AdvertLog) read() {
	defer close(a.done)
	buf, oob := make([]byte, 1500), make([]byte, 128)
	for {
		select {
		case <-a.stop:
			return
		default:
		}
		n, oobn, _, _, err := syscall.Recvmsg(a.fd, buf, oob, 0)
		now := time.Now()
		if err != nil {
			continue
		}
		if at, ok := rxStamp(oob[:oobn]); ok {
			now = at
		}
		src, vrid, prio, err := parseAdvertIPv4(buf[:n])
		if err != nil {
			continue
		}
		a.mu.Lock()
		a.seen = append(a.seen, AdvertSeen{Src: src, VRID: vrid, Priority: prio, At: now})
		a.mu.Unlock()
	}
}

// Last returns the last advert from src for vrid seen before t.
func (a *AdvertLog) Last(src netip.Addr, vrid uint8, before time.Time) (AdvertSeen, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.seen) - 1; i >= 0; i-- {
		s := a.seen[i]
		if s.Src == src && s.VRID == vrid && s.At.Before(before) {
			return s, true
		}
	}
	return AdvertSeen{}, false
}

// FirstPrio returns the first advert from src for vrid with priority prio
// seen at or after t (prio 0: a master resigning).
func (a *AdvertLog) FirstPrio(src netip.Addr, vrid, prio uint8, after time.Time) (AdvertSeen, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, s := range a.seen {
		if s.Src == src && s.VRID == vrid && s.Priority == prio && !s.At.Before(after) {
			return s, true
		}
	}
	return AdvertSeen{}, false
}

// Close stops listening.
func (a *AdvertLog) Close() {
	close(a.stop)
	<-a.done
	syscall.Close(a.fd)
}
