package main

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// serveNames makes every real server answer each request line with its
// name, on the VIP (local on lo) and on its own address, where the
// directors' TCP_CHECK connects.
func serveNames(t *topo) (stop func(), err error) {
	var lns []net.Listener
	conns := &connSet{m: map[net.Conn]bool{}}
	stop = func() {
		for _, l := range lns {
			l.Close()
		}
		// A flow the client lost leaves its real server's end open.
		conns.closeAll()
	}
	for _, r := range t.reals {
		var ln net.Listener
		if err := inNS(r.ns, func() (err error) { ln, err = net.Listen("tcp4", fmt.Sprintf(":%d", vipPort)); return err }); err != nil {
			stop()
			return nil, fmt.Errorf("%s: listen: %w", r.name, err)
		}
		lns = append(lns, ln)
		go acceptLines(ln, r.name, conns)
	}
	return stop, nil
}

// connSet is the real servers' open connections.
type connSet struct {
	mu sync.Mutex
	m  map[net.Conn]bool
}

func (s *connSet) add(c net.Conn, in bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in {
		s.m[c] = true
	} else {
		delete(s.m, c)
	}
}

func (s *connSet) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.m {
		c.Close()
	}
}

func acceptLines(ln net.Listener, name string, conns *connSet) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		conns.add(c, true)
		go func() {
			defer func() { c.Close(); conns.add(c, false) }()
			s := bufio.NewScanner(c)
			for s.Scan() {
				if _, err := fmt.Fprintln(c, name); err != nil {
					return
				}
			}
		}()
	}
}

// flow is one client connection and what it saw.
type flow struct {
	conn      net.Conn
	port      uint16 // the client's source port
	rs        string // the real server that answered the first request
	dir       int    // the director that carried it (index), -1 unknown
	rsAfter   string // ... the request after the director's death; "" failed
	dirAfter  int
	errAfter  error
	firstFail error
	// after d4 joined, for flows still open
	rsBack    string
	errBack   error
	askedBack bool
}

// openFlows opens n connections from the client to the VIP and asks each
// for its real server's name once.
func openFlows(t *topo, n int, timeout time.Duration) ([]*flow, error) {
	flows := make([]*flow, 0, n)
	err := inNS(t.client.ns, func() error {
		d := net.Dialer{Timeout: timeout}
		for range n {
			c, err := d.Dial("tcp4", net.JoinHostPort(vip, strconv.Itoa(vipPort)))
			if err != nil {
				return fmt.Errorf("connection %d of %d to %s: %w", len(flows)+1, n, vip, err)
			}
			flows = append(flows, &flow{conn: c, port: uint16(c.LocalAddr().(*net.TCPAddr).Port), dir: -1, dirAfter: -1})
		}
		return nil
	})
	if err != nil {
		closeFlows(flows)
		return nil, err
	}
	ask(flows, timeout, func(f *flow, name string, err error) { f.rs, f.firstFail = name, err })
	for _, f := range flows {
		if f.firstFail != nil {
			closeFlows(flows)
			return nil, fmt.Errorf("first request on port %d: %w", f.port, f.firstFail)
		}
	}
	return flows, nil
}

// ask sends one request line on every flow at once (up to 50 at a time)
// and hands each answer, or the error, to done.
func ask(flows []*flow, timeout time.Duration, done func(*flow, string, error)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	for _, f := range flows {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			name, err := request(f.conn, timeout)
			done(f, name, err)
		}()
	}
	wg.Wait()
}

func request(c net.Conn, timeout time.Duration) (string, error) {
	if err := c.SetDeadline(time.Now().Add(timeout)); err != nil {
		return "", err
	}
	if _, err := fmt.Fprintln(c, "who"); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

func closeFlows(flows []*flow) {
	for _, f := range flows {
		f.conn.Close()
	}
}

// failure names what ended a connection, for the report.
func failure(err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case strings.Contains(err.Error(), "connection reset"):
		return "reset"
	case strings.Contains(err.Error(), "EOF"):
		return "closed"
	}
	return "other"
}

// directorConns reads which client ports director d's IPVS holds a
// connection entry for, and to which real server.
func directorConns(d *node) (map[uint16]netip.Addr, error) {
	var b []byte
	err := inNS(d.ns, func() (err error) {
		b, err = os.ReadFile("/proc/thread-self/net/ip_vs_conn")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.name, err)
	}
	m, err := parseConns(b)
	if err != nil {
		return nil, fmt.Errorf("%s: ip_vs_conn: %w", d.name, err)
	}
	return m, nil
}

// parseConns reads /proc/net/ip_vs_conn's IPv4 lines:
//
//	Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
//	TCP CB007102 A4F2 C00002C8 0050 C6336415 0050 ESTABLISHED     899
//
// into client port → real server. Other lines (the header, IPv6) are
// skipped; a malformed IPv4 line is an error.
func parseConns(b []byte) (map[uint16]netip.Addr, error) {
	m := map[uint16]netip.Addr{}
	for i, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 8 || f[0] == "Pro" || len(f[1]) != 8 {
			continue
		}
		port, err := strconv.ParseUint(f[2], 16, 16)
		if err != nil {
			return nil, fmt.Errorf("line %d: port %q", i+1, f[2])
		}
		a, err := hex.DecodeString(f[5])
		if err != nil || len(a) != 4 {
			return nil, fmt.Errorf("line %d: real server %q", i+1, f[5])
		}
		m[uint16(port)] = netip.AddrFrom4([4]byte(a))
	}
	return m, nil
}

// locate sets each flow's director from the directors' connection tables
// (after: the second request's); a flow with entries on several takes the
// one whose entry is freshest, i.e. any that is not the one it had.
func locate(t *topo, flows []*flow, after bool) error {
	byPort := map[uint16]*flow{}
	for _, f := range flows {
		byPort[f.port] = f
	}
	for i, d := range t.directors {
		if after && i == 0 {
			continue // dead: its table is what it was
		}
		m, err := directorConns(d)
		if err != nil {
			return err
		}
		for port := range m {
			f := byPort[port]
			switch {
			case f == nil:
			case !after:
				f.dir = i
			case f.dirAfter < 0 || f.dirAfter == f.dir:
				f.dirAfter = i
			}
		}
	}
	return nil
}
