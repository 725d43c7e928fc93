package check_test

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
)

// udpResponder echoes a fixed reply to each datagram, or stays silent when
// reply is nil; it records the payloads it got.
func udpResponder(t *testing.T, reply []byte) (net.Addr, <-chan []byte) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 16)
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			got <- append([]byte(nil), buf[:n]...)
			if reply != nil {
				_, _ = pc.WriteTo(reply, from)
			}
		}
	}()
	t.Cleanup(func() { pc.Close() })
	return pc.LocalAddr(), got
}

func TestUDPCheck(t *testing.T) {
	replying, got := udpResponder(t, []byte{0xde, 0xad, 0xbe, 0xef})
	silent, _ := udpResponder(t, nil)
	closed := closedPort(t, "udp")
	mk := func(tg check.Target, s *check.UDPSettings) check.Checker {
		return check.Checker{Kind: check.UDP, Source: srcpos.Make("t", 1), Target: tg, ConnectTimeout: 300 * time.Millisecond, Settings: s}
	}
	cases := []struct {
		name string
		c    check.Checker
		up   bool
	}{
		{"reply, none required", mk(target(t, replying), &check.UDPSettings{Payload: []byte{1, 2}}), true},
		{"silence, none required", mk(target(t, silent), &check.UDPSettings{Payload: []byte{1}}), true},
		{"ICMP unreachable", mk(closed, &check.UDPSettings{Payload: []byte{1}}), false},
		{"silence, reply required", mk(target(t, silent), &check.UDPSettings{RequireReply: true}), false},
		{"reply required, any", mk(target(t, replying), &check.UDPSettings{RequireReply: true}), true},
		{"pattern match", mk(target(t, replying), &check.UDPSettings{Reply: "de aX Xe"}), true},
		{"pattern mismatch", mk(target(t, replying), &check.UDPSettings{Reply: "de ad 00"}), false},
		{"too short", mk(target(t, replying), &check.UDPSettings{Reply: "de", MinReplyLength: 5}), false},
		{"too long", mk(target(t, replying), &check.UDPSettings{Reply: "de", MaxReplyLength: 3}), false},
		{"within limits", mk(target(t, replying), &check.UDPSettings{Reply: "de", MinReplyLength: 4, MaxReplyLength: 4}), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantUp(t, probeOnce(t, tc.c), tc.up) })
	}
	if p := <-got; !bytes.Equal(p, []byte{1, 2}) {
		t.Fatalf("responder got payload % x, want 01 02", p)
	}
	if _, err := check.New(mk(closed, &check.UDPSettings{Reply: "zz"})); err == nil {
		t.Fatal("bad require_reply accepted")
	}
}
