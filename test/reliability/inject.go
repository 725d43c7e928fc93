package reliability

import (
	"context"
	"fmt"
	"net"
	"time"

	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// injector sends hand-built IPv4 datagrams from a third namespace onto the
// routers' segment. It uses an AF_PACKET datagram socket, so the kernel
// adds only the Ethernet header: no routing decision, no checksum or
// length fixed up behind the test's back, and no TTL rewritten.
type injector struct {
	fd  int
	dst unix.SockaddrLinklayer
}

func newInjector(h *lab.Host) (*injector, error) {
	in := &injector{}
	err := h.InNS(func() error {
		link, err := net.InterfaceByName(h.If)
		if err != nil {
			return err
		}
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM, int(htons(unix.ETH_P_IP)))
		if err != nil {
			return err
		}
		in.fd = fd
		in.dst = unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_IP), Ifindex: link.Index, Halen: 6,
			Addr: [8]byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0x12}}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("injector in %s: %w", h.Name, err)
	}
	// A full send buffer must block the flood loop, not drop silently;
	// skipping the qdisc layer saves a lock per frame at flood rates.
	_ = unix.SetsockoptInt(in.fd, unix.SOL_SOCKET, unix.SO_SNDBUF, 4<<20)
	_ = unix.SetsockoptInt(in.fd, unix.SOL_PACKET, unix.PACKET_QDISC_BYPASS, 1)
	return in, nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func (in *injector) send(pkt []byte) error {
	return unix.Sendto(in.fd, pkt, 0, &in.dst)
}

// flood sends the packets in turn, as fast as it can or at most rate per
// second (0: unpaced), for d; it returns how many it sent.
func (in *injector) flood(ctx context.Context, pkts [][]byte, rate int, d time.Duration) (int, error) {
	end := time.Now().Add(d)
	start := time.Now()
	n := 0
	for time.Now().Before(end) && ctx.Err() == nil {
		for i := 0; i < 64; i++ {
			if err := in.send(pkts[n%len(pkts)]); err != nil && err != unix.ENOBUFS {
				return n, fmt.Errorf("injector: %w", err)
			}
			n++
		}
		if rate > 0 {
			due := start.Add(time.Duration(n) * time.Second / time.Duration(rate))
			if w := time.Until(due); w > 0 {
				time.Sleep(w)
			}
		}
	}
	return n, nil
}

func (in *injector) close() { unix.Close(in.fd) }
