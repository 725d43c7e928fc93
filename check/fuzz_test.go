package check

import (
	"bytes"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// replay is a connection whose peer says data and nothing more: the
// health-check reply parsers read it as they would a server's answer.
// As a PacketConn it hands data over as one datagram, then times out.
type replay struct {
	r       *bytes.Reader
	once    bool
	written bytes.Buffer
}

func newReplay(data []byte) *replay { return &replay{r: bytes.NewReader(data)} }

func (c *replay) Read(b []byte) (int, error)            { return c.r.Read(b) }
func (c *replay) Write(b []byte) (int, error)           { return c.written.Write(b) }
func (c *replay) Close() error                          { return nil }
func (c *replay) LocalAddr() net.Addr                   { return &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1)} }
func (c *replay) RemoteAddr() net.Addr                  { return &net.UDPAddr{IP: net.IPv4(192, 0, 2, 2), Port: 53} }
func (c *replay) SetDeadline(time.Time) error           { return nil }
func (c *replay) SetReadDeadline(time.Time) error       { return nil }
func (c *replay) SetWriteDeadline(time.Time) error      { return nil }
func (c *replay) WriteTo([]byte, net.Addr) (int, error) { return 0, nil }

func (c *replay) ReadFrom(b []byte) (int, net.Addr, error) {
	if c.once {
		return 0, nil, os.ErrDeadlineExceeded
	}
	c.once = true
	n, _ := c.r.Read(b)
	return n, &net.IPAddr{IP: net.IPv4(192, 0, 2, 2)}, nil
}

// SMTP_CHECK: only a 220 banner, a 250 to HELO and a 221 to QUIT are up.
func FuzzSMTPReplies(f *testing.F) {
	for _, s := range []string{"220 mx ready\r\n250 hello\r\n221 bye\r\n", "220-multi\r\n220 line\r\n250 ok\r\n221 ok\r\n",
		"554 no\r\n", "220 ok\r\n250", "2"} {
		f.Add([]byte(s))
	}
	p := &smtpProber{helo: "govrrpd.test"}
	f.Fuzz(func(t *testing.T, data []byte) {
		o := p.dialogue(newReplay(data))
		if o.Up && !(bytes.HasPrefix(data, []byte("220")) && bytes.Contains(data, []byte("\n250")) &&
			bytes.Contains(data, []byte("\n221"))) {
			t.Fatalf("%q: judged up", data)
		}
	})
}

// DNS_CHECK: a reply is up only when its header answers our query (its
// ID, the response bit) with rcode NOERROR. The first fuzz byte says whether the
// reply gets our query's ID, so that matching replies are reached at all.
func FuzzDNSReply(f *testing.F) {
	ok := new(dns.Msg)
	ok.SetQuestion("example.test.", dns.TypeA)
	ok.Response = true
	b, _ := ok.Pack()
	f.Add(append([]byte{1}, b...))
	ok.Rcode = dns.RcodeNameError
	b, _ = ok.Pack()
	f.Add(append([]byte{1}, b...))
	f.Add([]byte{0, 1, 2, 3})
	p := &dnsProber{name: "example.test.", qtype: dns.TypeA}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 {
			return
		}
		c := newReplay(nil)
		reply := bytes.Clone(data[1:])
		c.r = bytes.NewReader(reply)
		patch := data[0]&1 == 1
		conn := &idPatcher{replay: c, patch: patch}
		o := p.exchange(conn)
		if !o.Up {
			return
		}
		// The header decides, as in keepalived: a reply cut short after it
		// still shows the server answering.
		h := conn.got
		if len(h) < 4 || uint16(h[0])<<8|uint16(h[1]) != conn.id || h[2]&0x80 == 0 || h[3]&0x0f != 0 {
			t.Fatalf("% x: judged up", h)
		}
	})
}

// idPatcher gives each datagram the query's ID when asked to, and keeps
// the last one the prober was given.
type idPatcher struct {
	*replay
	patch bool
	id    uint16
	got   []byte
}

func (c *idPatcher) Read(b []byte) (int, error) {
	q := c.written.Bytes()
	if len(q) >= 2 {
		c.id = uint16(q[0])<<8 | uint16(q[1])
	}
	n, err := c.replay.Read(b)
	if c.patch && n >= 2 {
		b[0], b[1] = byte(c.id>>8), byte(c.id)
	}
	c.got = bytes.Clone(b[:n]) // the datagram last read
	if n == 0 && err == nil {
		err = io.EOF
	}
	return n, err
}

func (c *idPatcher) ReadFrom(b []byte) (int, net.Addr, error) {
	n, err := c.Read(b)
	return n, c.RemoteAddr(), err
}

// UDP_CHECK: with require_reply, a reply is up only when its length is in
// range and it matches the pattern.
func FuzzUDPReply(f *testing.F) {
	for _, s := range []string{"\x01\x02\x03", "", "\xff"} {
		f.Add([]byte(s))
	}
	pat, err := ParseHex("01 02 XX 03", true)
	if err != nil {
		f.Fatal(err)
	}
	p := &udpProber{pattern: &pat, require: true, min: 2, max: 16}
	f.Fuzz(func(t *testing.T, reply []byte) {
		o := p.judge(reply)
		if o.Up && (len(reply) < 2 || len(reply) > 16 || !pat.Match(reply)) {
			t.Fatalf("% x: judged up", reply)
		}
	})
}

// PING_CHECK: an ICMP message from the target is up only as our echo reply,
// and an error quoting our request (by ID) is down at once; anything else
// waits for the deadline.
func FuzzPingReply(f *testing.F) {
	for _, s := range []string{
		"\x00\x00\x00\x00\x12\x34\x00\x01govrrpd-ping", // echo reply id 0x1234 seq 1
		"\x03\x03\x00\x00\x00\x00\x00\x00\x45\x00\x00\x1c\x00\x00\x00\x00\x40\x01\x00\x00\xc0\x00\x02\x01\xc0\x00\x02\x02\x08\x00\x00\x00\x12\x34\x00\x01", // port unreachable quoting it
		"\x03\x03\x00\x00\x00\x00\x00\x00\x4f",
		"\x08",
	} {
		f.Add([]byte(s))
	}
	p := &pingProber{}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, raw := range []bool{true, false} {
			o := p.await(newReplay(data), ping4, "192.0.2.2", 0x1234, 1, raw)
			if o.Up && (len(data) < 8 || data[0] != 0) {
				t.Fatalf("% x (raw %v): judged up", data, raw)
			}
			if !o.Up && strings.Contains(o.Reason, "unreachable") && (!raw || len(data) < 8 || data[0] != 3) {
				t.Fatalf("% x (raw %v): %s", data, raw, o.Reason)
			}
		}
	})
}
