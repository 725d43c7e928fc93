package check

import (
	"bytes"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// The query codec is held to miekg/dns, the library the checker used
// before (now a test-only reference): the same bytes for the same
// question, and the same header read from any reply it can unpack.

func TestDNSQueryAsMiekg(t *testing.T) {
	for _, c := range []struct {
		name  string
		qtype uint16
	}{
		{".", dnsTypeSOA},
		{"www.example.test.", dnsTypeA},
		{"example.test.", dnsTypeAAAA},
		{"a.b.c.d.e.f.example.test.", dnsTypeMX},
		{strings.Repeat("x", 63) + ".test.", dnsTypeTXT},
		{"_sip._udp.example.test.", dnsTypeNS},
	} {
		got, err := appendDNSQuery(nil, 0xbeef, c.name, c.qtype)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		m := new(dns.Msg)
		m.SetQuestion(c.name, c.qtype)
		m.Id, m.RecursionDesired = 0xbeef, true
		want, err := m.Pack()
		if err != nil {
			t.Fatalf("%s: miekg: %v", c.name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s type %d:\n got % x\nwant % x", c.name, c.qtype, got, want)
		}
	}
}

func TestDNSQueryRefuses(t *testing.T) {
	prefix := []byte("kept")
	for _, name := range []string{
		strings.Repeat("x", 64) + ".test.",             // a label over 63 octets
		"a..test.",                                     // an empty label
		strings.Repeat(strings.Repeat("x", 63)+".", 4), // 257 octets encoded
	} {
		b, err := appendDNSQuery(prefix, 1, name, dnsTypeA)
		if err == nil {
			t.Errorf("%q: encoded as % x", name, b)
		}
		if string(b) != "kept" {
			t.Errorf("%q: the buffer is left as %q", name, b)
		}
	}
}

func TestDNSHeader(t *testing.T) {
	for _, c := range []struct {
		reply string
		want  dnsHeader
		short bool
	}{
		{"\xbe\xef\x81\x80\x00\x01\x00\x02\x00\x00\x00\x00", dnsHeader{id: 0xbeef, response: true, answers: 2}, false},
		{"\x00\x01\x81\x83\x00\x01\x00\x00\x00\x00\x00\x00", dnsHeader{id: 1, response: true, rcode: 3}, false},
		{"\x00\x01\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", dnsHeader{id: 1}, false},
		{"\x00\x01\x81\x80\x00\x01\x00\x00\x00\x00\x00", dnsHeader{}, true},
	} {
		h, err := parseDNSHeader([]byte(c.reply))
		if (err != nil) != c.short || h != c.want {
			t.Errorf("% x: %+v, %v; want %+v, short %v", c.reply, h, err, c.want, c.short)
		}
	}
	if dnsRcodeName(2) != "SERVFAIL" || dnsRcodeName(15) != "15" {
		t.Errorf("rcode names: %s, %s", dnsRcodeName(2), dnsRcodeName(15))
	}
}

// FuzzDNSHeaderAsMiekg: any datagram miekg/dns unpacks has the header
// the checker reads (the 4-bit rcode: an EDNS0 extension is not read, as
// in keepalived). The answer count is the header's: miekg stops quietly
// at the end of a datagram cut short, and counts what it read.
func FuzzDNSHeaderAsMiekg(f *testing.F) {
	ok := new(dns.Msg)
	ok.SetQuestion("example.test.", dns.TypeA)
	ok.Response = true
	rr, _ := dns.NewRR("example.test. 60 IN A 192.0.2.53")
	ok.Answer = append(ok.Answer, rr)
	b, _ := ok.Pack()
	f.Add(b)
	ok.Rcode = dns.RcodeNameError
	b, _ = ok.Pack()
	f.Add(b)
	f.Add([]byte{0, 1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := parseDNSHeader(data)
		if (err != nil) != (len(data) < dnsHeaderLen) {
			t.Fatalf("% x: %v", data, err)
		}
		m := new(dns.Msg)
		if m.Unpack(data) != nil || m.IsEdns0() != nil {
			return
		}
		if h.id != m.Id || h.response != m.Response || int(h.rcode) != m.Rcode || int(h.answers) < len(m.Answer) {
			t.Fatalf("% x: %+v, miekg reads id %d response %v rcode %d answers %d", data, h, m.Id, m.Response, m.Rcode, len(m.Answer))
		}
	})
}

// FuzzDNSQueryAsMiekg: a query the checker builds is one miekg/dns
// unpacks into the question asked, and one it packs the same.
func FuzzDNSQueryAsMiekg(f *testing.F) {
	for _, s := range []string{".", "www.example.test.", "a.b", "x..y", "\\.", "é.test"} {
		f.Add(s, uint16(dnsTypeA))
	}
	f.Fuzz(func(t *testing.T, name string, qtype uint16) {
		name = fqdn(name)
		q, err := appendDNSQuery(nil, 7, name, qtype)
		if err != nil {
			return
		}
		m := new(dns.Msg)
		if err := m.Unpack(q); err != nil {
			t.Fatalf("%q: miekg cannot unpack % x: %v", name, q, err)
		}
		if m.Id != 7 || !m.RecursionDesired || m.Response || len(m.Question) != 1 ||
			m.Question[0].Qtype != qtype || m.Question[0].Qclass != dns.ClassINET {
			t.Fatalf("%q: miekg reads %v", name, m)
		}
		if strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == "" &&
			m.Question[0].Name != name {
			t.Fatalf("%q: miekg reads the name %q", name, m.Question[0].Name)
		}
	})
}

// TestDNSTypeAsMiekg: every type name DNS_CHECK accepts is the type
// miekg/dns gives that name; others, and names not in upper case, are not
// accepted.
func TestDNSTypeAsMiekg(t *testing.T) {
	for _, n := range []string{"A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA"} {
		if got, ok := dnsType(n); !ok || got != dns.StringToType[n] {
			t.Errorf("dnsType(%q) = %d, %v; want %d", n, got, ok, dns.StringToType[n])
		}
	}
	for _, n := range []string{"PTR", "ANY", "SRV", "a", "", "AAAAA"} {
		if got, ok := dnsType(n); ok {
			t.Errorf("dnsType(%q) = %d, accepted", n, got)
		}
	}
}
