package check_test

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
)

// dnsServer answers on loopback UDP; rcode and silence are switchable.
func dnsServer(t *testing.T, rcode *atomic.Int32, silent *atomic.Bool, seen *atomic.Value) net.Addr {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, NotifyStartedFunc: func() { close(started) },
		Handler: dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
			seen.Store(q.Question[0])
			if silent.Load() {
				return
			}
			m := new(dns.Msg)
			m.SetRcode(q, int(rcode.Load()))
			if m.Rcode == dns.RcodeSuccess {
				rr, _ := dns.NewRR(q.Question[0].Name + " 60 IN A 192.0.2.53")
				m.Answer = append(m.Answer, rr)
			}
			_ = w.WriteMsg(m)
		})}
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return pc.LocalAddr()
}

func TestDNSCheck(t *testing.T) {
	var rcode atomic.Int32
	var silent atomic.Bool
	var seen atomic.Value
	addr := dnsServer(t, &rcode, &silent, &seen)
	c := check.Checker{Kind: check.DNS, Source: srcpos.Make("t", 1), Target: target(t, addr), ConnectTimeout: 300 * time.Millisecond,
		Settings: &check.DNSSettings{Type: "a", Name: "www.example.test"}}
	wantUp(t, probeOnce(t, c), true)
	if q := seen.Load().(dns.Question); q.Name != "www.example.test." || q.Qtype != dns.TypeA {
		t.Fatalf("server saw %v", q)
	}
	rcode.Store(dns.RcodeServerFailure)
	wantUp(t, probeOnce(t, c), false)
	rcode.Store(dns.RcodeSuccess)
	silent.Store(true)
	wantUp(t, probeOnce(t, c), false)

	// Defaults: SOA for the root.
	silent.Store(false)
	c.Settings = nil
	wantUp(t, probeOnce(t, c), true)
	if q := seen.Load().(dns.Question); q.Name != "." || q.Qtype != dns.TypeSOA {
		t.Fatalf("default query %v, want . SOA", q)
	}
	c.Settings = &check.DNSSettings{Type: "PTR"}
	if _, err := check.New(c); err == nil {
		t.Fatal("unsupported type accepted")
	}
}
