package reliability

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"sync"
	"time"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// recorder stamps the frames one source sends on the segment, seen from
// the client: the master's VRRP adverts, or its gratuitous ARPs. A kernel
// filter keeps only that source's frames, so a flood on the same segment
// cannot crowd them out of the socket's buffer.
type recorder struct {
	fd   int
	mu   sync.Mutex
	at   []time.Time
	done chan struct{}
	// frame, when set, is also given every frame read (recordFrames).
	frame func(at time.Time, b []byte)
}

// filterSrc accepts IPv4 packets from src (a raw IPv4 socket's filter sees
// the IP header at offset 0).
func filterSrc(src netip.Addr) []bpf.Instruction {
	return []bpf.Instruction{
		bpf.LoadAbsolute{Off: 12, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: binary.BigEndian.Uint32(src.AsSlice()), SkipFalse: 1},
		bpf.RetConstant{Val: 0xffff},
		bpf.RetConstant{Val: 0},
	}
}

// filterGARP accepts ARP frames whose sender and target IP are both vip
// (a datagram packet socket's filter sees the ARP header at offset 0).
func filterGARP(vip netip.Addr) []bpf.Instruction {
	v := binary.BigEndian.Uint32(vip.AsSlice())
	return []bpf.Instruction{
		bpf.LoadAbsolute{Off: 14, Size: 4}, // sender protocol address
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: v, SkipFalse: 3},
		bpf.LoadAbsolute{Off: 24, Size: 4}, // target protocol address
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: v, SkipFalse: 1},
		bpf.RetConstant{Val: 0xffff},
		bpf.RetConstant{Val: 0},
	}
}

// recordAdverts records the VRRP adverts h receives from src.
func recordAdverts(h *lab.Host, src netip.Addr) (*recorder, error) {
	return record(h, filterSrc(src), func() (int, error) { return joinedVRRP(h) })
}

// joinedVRRP opens a raw protocol-112 socket in h's namespace (the caller
// is in it) that has joined VRRP's IPv4 group on h's interface.
func joinedVRRP(h *lab.Host) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW, 112)
	if err != nil {
		return -1, err
	}
	ifi, err := net.InterfaceByName(h.If)
	if err != nil {
		return fd, err
	}
	mreq := &unix.IPMreqn{Multiaddr: [4]byte{224, 0, 0, 18}, Ifindex: int32(ifi.Index)}
	return fd, unix.SetsockoptIPMreqn(fd, unix.IPPROTO_IP, unix.IP_ADD_MEMBERSHIP, mreq)
}

// recordGARPs records the gratuitous ARPs for vip that h receives.
func recordGARPs(h *lab.Host, vip netip.Addr) (*recorder, error) {
	return record(h, filterGARP(vip), func() (int, error) {
		return unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM, int(htons(unix.ETH_P_ARP)))
	})
}

func record(h *lab.Host, prog []bpf.Instruction, open func() (int, error)) (*recorder, error) {
	return recordFrames(h, prog, open, nil)
}

// recordFrames is record that also hands every frame to frame, on the
// recorder's goroutine.
func recordFrames(h *lab.Host, prog []bpf.Instruction, open func() (int, error), frame func(time.Time, []byte)) (*recorder, error) {
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, err
	}
	filter := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filter[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	fd := -1
	err = h.InNS(func() error {
		var err error
		if fd, err = open(); err != nil {
			return err
		}
		return unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER,
			&unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]})
	})
	if err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("recorder in %s: %w", h.Name, err)
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<20)
	tv := unix.NsecToTimeval((50 * time.Millisecond).Nanoseconds())
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	r := &recorder{fd: fd, done: make(chan struct{}), frame: frame}
	go r.read()
	return r, nil
}

func (r *recorder) read() {
	defer close(r.done)
	buf := make([]byte, 2048)
	for {
		n, _, err := unix.Recvfrom(r.fd, buf, 0)
		now := time.Now()
		switch err {
		case nil:
			if r.frame != nil {
				r.frame(now, buf[:n])
			}
			r.mu.Lock()
			r.at = append(r.at, now)
			r.mu.Unlock()
		case unix.EAGAIN, unix.EINTR:
		default:
			return // closed
		}
	}
}

// between returns the stamps in [from, to).
func (r *recorder) between(from, to time.Time) []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []time.Time
	for _, t := range r.at {
		if !t.Before(from) && t.Before(to) {
			out = append(out, t)
		}
	}
	return out
}

func (r *recorder) close() {
	unix.Shutdown(r.fd, unix.SHUT_RDWR)
	unix.Close(r.fd)
	<-r.done
}

// intervals summarises the gaps between consecutive stamps.
type intervals struct {
	N             int
	P50, P99, Max time.Duration
}

func gaps(at []time.Time) intervals {
	if len(at) < 2 {
		return intervals{N: len(at)}
	}
	d := make([]time.Duration, len(at)-1)
	for i := 1; i < len(at); i++ {
		d[i-1] = at[i].Sub(at[i-1])
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	pct := func(p float64) time.Duration { return d[int(p*float64(len(d)-1)+0.5)] }
	return intervals{N: len(at), P50: pct(0.50), P99: pct(0.99), Max: d[len(d)-1]}
}

func (iv intervals) String() string {
	return fmt.Sprintf("%d adverts, interval p50 %v p99 %v max %v", iv.N, iv.P50.Round(100*time.Microsecond),
		iv.P99.Round(100*time.Microsecond), iv.Max.Round(100*time.Microsecond))
}
