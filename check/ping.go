package check

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"sync/atomic"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// pingProber is PING_CHECK: one ICMP echo per attempt. As root it uses a
// raw socket (honouring bindto, bind_if and fwmark); otherwise an
// unprivileged ICMP datagram socket, which needs ping_group_range.
type pingProber struct {
	ep  endpoint
	seq atomic.Uint32
}

func newPing(c Checker) (Prober, error) {
	ep, err := newEndpoint(c, false)
	if err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 && (ep.bindIf != "" || ep.mark != 0) {
		return nil, fmt.Errorf("PING_CHECK bind_if/fwmark need root (raw ICMP socket)")
	}
	return &pingProber{ep: ep}, nil
}

type pingFamily struct {
	rawNet, dgramNet string
	req, reply       icmp.Type
	proto            int
}

var (
	ping4 = pingFamily{"ip4:icmp", "udp4", ipv4.ICMPTypeEcho, ipv4.ICMPTypeEchoReply, 1}
	ping6 = pingFamily{"ip6:ipv6-icmp", "udp6", ipv6.ICMPTypeEchoRequest, ipv6.ICMPTypeEchoReply, 58}
)

func (p *pingProber) listen(ctx context.Context, f pingFamily) (net.PacketConn, bool, error) {
	local := ""
	if p.ep.bindTo.IsValid() {
		local = p.ep.bindTo.String()
	}
	if os.Geteuid() == 0 {
		lc := net.ListenConfig{Control: p.ep.control}
		c, err := lc.ListenPacket(ctx, f.rawNet, local)
		return c, true, err
	}
	c, err := icmp.ListenPacket(f.dgramNet, local)
	return c, false, err
}

// Probe sends one echo request and waits for the matching reply.
func (p *pingProber) Probe(ctx context.Context) Outcome {
	dst := p.ep.remote.Addr()
	f := ping4
	if dst.Is6() {
		f = ping6
	}
	conn, raw, err := p.listen(ctx, f)
	if err != nil {
		return down("PING %s: socket: %v", dst, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	id := int(rand.Uint32() & 0xffff)
	seq := int(p.seq.Add(1) & 0xffff)
	msg := icmp.Message{Type: f.req, Body: &icmp.Echo{ID: id, Seq: seq, Data: []byte("govrrpd-ping")}}
	b, err := msg.Marshal(nil)
	if err != nil {
		return down("PING %s: %v", dst, err)
	}
	var to net.Addr = &net.IPAddr{IP: dst.AsSlice(), Zone: dst.Zone()}
	if !raw {
		to = &net.UDPAddr{IP: dst.AsSlice(), Zone: dst.Zone()}
	}
	if _, err := conn.WriteTo(b, to); err != nil {
		return down("PING %s: send: %v", dst, err)
	}
	return p.await(conn, f, dst.String(), id, seq, raw)
}

// await reads until our reply (matched by source, and by ID on raw sockets,
// where the kernel does not demultiplex), an unreachable, or the deadline.
func (p *pingProber) await(conn net.PacketConn, f pingFamily, dst string, id, seq int, raw bool) Outcome {
	buf := make([]byte, 1500)
	for {
		n, from, err := conn.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return downAs(FailTimeout, "PING %s: no reply", dst)
			}
			return down("PING %s: %v", dst, err)
		}
		m, err := icmp.ParseMessage(f.proto, buf[:n])
		if err != nil {
			continue
		}
		switch body := m.Body.(type) {
		case *icmp.Echo:
			if m.Type == f.reply && addrHost(from) == dst && body.Seq == seq && (!raw || body.ID == id) {
				return up("PING " + dst + ": echo reply")
			}
		case *icmp.DstUnreach:
			if raw && unreachFor(body.Data, f, id) {
				return downAs(FailUnreachable, "PING %s: destination unreachable from %s", dst, addrHost(from))
			}
		}
	}
}

// unreachFor reports whether an ICMP error quotes our echo request; the
// quoted datagram starts with its IP header.
func unreachFor(data []byte, f pingFamily, id int) bool {
	hl := 40
	if f.proto == 1 {
		if len(data) < 1 {
			return false
		}
		hl = int(data[0]&0x0f) * 4
	}
	if len(data) < hl+8 {
		return false
	}
	icmpHdr := data[hl:]
	return int(icmpHdr[4])<<8|int(icmpHdr[5]) == id
}

func addrHost(a net.Addr) string {
	switch v := a.(type) {
	case *net.IPAddr:
		return v.IP.String()
	case *net.UDPAddr:
		return v.IP.String()
	}
	return a.String()
}
