package check

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
)

// endpoint is where a network checker connects and how it binds, resolved
// once from connect_ip/connect_port (defaulting to the real server),
// bindto/bind_port, bind_if and fwmark.
type endpoint struct {
	remote netip.AddrPort
	bindTo netip.Addr
	port   uint16
	bindIf string
	mark   uint32
}

func newEndpoint(c Checker, needPort bool) (endpoint, error) {
	a := c.Conn()
	e := endpoint{port: c.BindPort, bindIf: a.BindIf, mark: c.FWMark}
	if a.BindTo != nil {
		e.bindTo = *a.BindTo
	}
	ip := c.Target.Real.Addr()
	if a.ConnectIP != nil && a.ConnectIP.IsValid() {
		ip = *a.ConnectIP
	}
	port := c.Target.Real.Port()
	if c.ConnectPort != 0 {
		port = c.ConnectPort
	}
	if !ip.IsValid() {
		return e, fmt.Errorf("no address to connect to")
	}
	if needPort && port == 0 {
		return e, fmt.Errorf("no port: the real server has none and connect_port is unset")
	}
	e.remote = netip.AddrPortFrom(ip.Unmap(), port)
	return e, nil
}

// dialer builds a net.Dialer that binds and marks its socket as the
// checker's options say.
func (e endpoint) dialer() *net.Dialer {
	d := &net.Dialer{Control: e.control}
	if e.bindTo.IsValid() || e.port != 0 {
		ip := e.bindTo
		if !ip.IsValid() {
			ip = netip.IPv4Unspecified()
			if e.remote.Addr().Is6() {
				ip = netip.IPv6Unspecified()
			}
		}
		ap := netip.AddrPortFrom(ip, e.port)
		d.LocalAddr = &net.TCPAddr{IP: ap.Addr().AsSlice(), Port: int(ap.Port()), Zone: ap.Addr().Zone()}
	}
	return d
}

func (e endpoint) control(network, address string, rc syscall.RawConn) error {
	if e.mark == 0 && e.bindIf == "" && e.port == 0 {
		return nil
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = e.sockopts(int(fd)) }); err != nil {
		return err
	}
	return serr
}

// dial connects with network "tcp" or "udp"; UDP local addresses are
// converted because net.Dialer insists on the matching address type.
func (e endpoint) dial(ctx context.Context, network string) (net.Conn, error) {
	d := e.dialer()
	if network == "udp" && d.LocalAddr != nil {
		ta := d.LocalAddr.(*net.TCPAddr)
		d.LocalAddr = &net.UDPAddr{IP: ta.IP, Port: ta.Port, Zone: ta.Zone}
	}
	addr := net.JoinHostPort(e.remote.Addr().String(), strconv.Itoa(int(e.remote.Port())))
	return d.DialContext(ctx, network, addr)
}

// deadline applies ctx's deadline to conn so blocking reads end with it.
func deadline(ctx context.Context, conn net.Conn) {
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
}

// Dialer returns a dialer that marks its sockets with fwmark (0 = none),
// as the checkers do.
func Dialer(fwmark uint32) *net.Dialer {
	return endpoint{mark: fwmark}.dialer()
}

// resets reports whether a check's socket is reset (SO_LINGER 0) rather
// than closed with a FIN. The loop closes gracefully, as keepalived does
// (strace of keepalived 2.2.7: SO_LINGER {on, 5 s}, then close), which
// also saves the setsockopt. The cost is a TIME_WAIT socket on the
// checker's side for 60 s per check: delay_loop 1 s keeps 60 per real
// server, each on its own destination so no port range runs out, and past
// net.ipv4.tcp_max_tw_buckets the kernel drops the excess and logs "time
// wait bucket table overflow", as it does for keepalived. A fixed bind_port
// still resets: a TIME_WAIT on the same four-tuple would make the next
// attempt's connect fail. keepalived's 5 s linger is not copied: it makes
// close(2) wait for the server's ACK, which would stall the loop.
func resets(e *endpoint) bool { return e.port != 0 }

// zoneIndex turns an IPv6 zone (interface name or number) into its index.
func zoneIndex(zone string) (uint32, error) {
	if zone == "" {
		return 0, nil
	}
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n), nil
	}
	ifi, err := net.InterfaceByName(zone)
	if err != nil {
		return 0, fmt.Errorf("zone %s: %w", zone, err)
	}
	return uint32(ifi.Index), nil
}
