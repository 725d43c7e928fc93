package check

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/miekg/dns"
)

// dnsTypes are the query types DNS_CHECK accepts.
var dnsTypes = map[string]uint16{
	"A": dns.TypeA, "NS": dns.TypeNS, "CNAME": dns.TypeCNAME, "SOA": dns.TypeSOA,
	"MX": dns.TypeMX, "TXT": dns.TypeTXT, "AAAA": dns.TypeAAAA,
}

type dnsProber struct {
	ep    endpoint
	qtype uint16
	name  string
}

func newDNS(c Checker) (Prober, error) {
	if c.Target.Real.Port() == 0 && c.ConnectPort == 0 {
		c.ConnectPort = 53
	}
	ep, err := newEndpoint(c, true)
	if err != nil {
		return nil, err
	}
	p := &dnsProber{ep: ep, qtype: dns.TypeSOA, name: "."}
	if d := c.DNS(); d != nil {
		if d.Type != "" {
			t, ok := dnsTypes[strings.ToUpper(d.Type)]
			if !ok {
				return nil, fmt.Errorf("DNS_CHECK type %q: want A, NS, CNAME, SOA, MX, TXT or AAAA", d.Type)
			}
			p.qtype = t
		}
		if d.Name != "" {
			p.name = dns.Fqdn(d.Name)
		}
	}
	return p, nil
}

// Probe sends one recursive query over UDP. As in keepalived, the answer
// passes when it is a response with our ID and RCODE NOERROR; replies with
// another ID are skipped until the deadline.
func (p *dnsProber) Probe(ctx context.Context) Outcome {
	conn, err := p.ep.dial(ctx, "udp")
	if err != nil {
		return down("DNS connect to %s: %v", p.ep.remote, err)
	}
	defer conn.Close()
	deadline(ctx, conn)
	return p.exchange(conn)
}

// exchange sends the query on a connected conn and judges the first reply
// that answers it: the reply is outside input.
func (p *dnsProber) exchange(conn net.Conn) Outcome {
	q := new(dns.Msg)
	q.SetQuestion(p.name, p.qtype)
	q.RecursionDesired = true
	dc := &dns.Conn{Conn: conn}
	if err := dc.WriteMsg(q); err != nil {
		return down("DNS query to %s: %v", p.ep.remote, err)
	}
	for {
		r, err := dc.ReadMsg()
		if err != nil && r == nil {
			return down("DNS reply from %s: %v", p.ep.remote, err)
		}
		if r.Id != q.Id || !r.Response {
			continue
		}
		if r.Rcode != dns.RcodeSuccess {
			return downAs(FailBadReply, "DNS %s %s on %s: rcode %s", dns.TypeToString[p.qtype], p.name, p.ep.remote, dns.RcodeToString[r.Rcode])
		}
		return up(fmt.Sprintf("DNS %s %s: %d answer(s)", dns.TypeToString[p.qtype], p.name, len(r.Answer)))
	}
}
