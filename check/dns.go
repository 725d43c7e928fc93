package check

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
)

// dnsType is the query type DNS_CHECK's type names, if it accepts it. A
// switch, not a map: the package then initialises nothing at start.
func dnsType(name string) (uint16, bool) {
	switch name {
	case "A":
		return dnsTypeA, true
	case "NS":
		return dnsTypeNS, true
	case "CNAME":
		return dnsTypeCNAME, true
	case "SOA":
		return dnsTypeSOA, true
	case "MX":
		return dnsTypeMX, true
	case "TXT":
		return dnsTypeTXT, true
	case "AAAA":
		return dnsTypeAAAA, true
	}
	return 0, false
}

type dnsProber struct {
	ep    endpoint
	qtype uint16
	tname string // the type as the configuration names it, upper case
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
	p := &dnsProber{ep: ep, qtype: dnsTypeSOA, tname: "SOA", name: "."}
	if d := c.DNS(); d != nil {
		if d.Type != "" {
			p.tname = strings.ToUpper(d.Type)
			t, ok := dnsType(p.tname)
			if !ok {
				return nil, fmt.Errorf("DNS_CHECK type %q: want A, NS, CNAME, SOA, MX, TXT or AAAA", d.Type)
			}
			p.qtype = t
		}
		if d.Name != "" {
			p.name = fqdn(d.Name)
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
// that answers it: the reply is outside input. As in keepalived, only its
// header is read, and a datagram too short for one is skipped.
func (p *dnsProber) exchange(conn net.Conn) Outcome {
	var buf [512]byte
	id := uint16(rand.Uint32())
	q, err := appendDNSQuery(buf[:0], id, p.name, p.qtype)
	if err == nil {
		_, err = conn.Write(q)
	}
	if err != nil {
		return down("DNS query to %s: %v", p.ep.remote, err)
	}
	for {
		n, err := conn.Read(buf[:])
		h, herr := parseDNSHeader(buf[:n])
		switch {
		case herr == nil && h.id == id && h.response: // judged below
		case err != nil:
			return down("DNS reply from %s: %v", p.ep.remote, err)
		default:
			continue // not an answer to this query
		}
		if h.rcode != 0 {
			return downAs(FailBadReply, "DNS %s %s on %s: rcode %s", p.tname, p.name, p.ep.remote, dnsRcodeName(h.rcode))
		}
		return up(fmt.Sprintf("DNS %s %s: %d answer(s)", p.tname, p.name, h.answers))
	}
}
