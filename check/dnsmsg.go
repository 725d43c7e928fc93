package check

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// DNS_CHECK needs two things of the DNS wire format (RFC 1035 §4.1): a
// query with one question, and the header of a reply. keepalived's checker
// reads no further than that header, and so does this one: a general DNS
// library would put a few hundred kilobytes of code and its tables in a
// daemon that runs this check once per delay_loop, if at all (issue #12).

// DNS query types DNS_CHECK accepts, by name.
const (
	dnsTypeA     = 1
	dnsTypeNS    = 2
	dnsTypeCNAME = 5
	dnsTypeSOA   = 6
	dnsTypeMX    = 15
	dnsTypeTXT   = 16
	dnsTypeAAAA  = 28
)

const (
	dnsHeaderLen = 12
	dnsClassIN   = 1
	dnsFlagQR    = 0x8000 // a response
	dnsFlagRD    = 0x0100 // recursion desired
	dnsMaxName   = 255    // octets of an encoded name
	dnsMaxLabel  = 63
)

// dnsRcodes names the header's response codes as dig prints them.
var dnsRcodes = [...]string{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"}

func dnsRcodeName(rc uint8) string {
	if int(rc) < len(dnsRcodes) {
		return dnsRcodes[rc]
	}
	return strconv.Itoa(int(rc))
}

// fqdn ends name with the root's dot, as the query needs it.
func fqdn(name string) string {
	if strings.HasSuffix(name, ".") {
		return name
	}
	return name + "."
}

// appendDNSQuery appends a recursive query for name (fully qualified) and
// qtype in class IN. A label longer than 63 octets, an empty label or a
// name longer than 255 octets cannot be sent.
func appendDNSQuery(b []byte, id uint16, name string, qtype uint16) ([]byte, error) {
	b = append(b, byte(id>>8), byte(id), byte(dnsFlagRD>>8), byte(dnsFlagRD&0xff),
		0, 1, 0, 0, 0, 0, 0, 0) // one question, no records
	start := len(b)
	if name != "." {
		for label := range strings.SplitSeq(strings.TrimSuffix(name, "."), ".") {
			if label == "" || len(label) > dnsMaxLabel {
				return b[:start-dnsHeaderLen], fmt.Errorf("name %q: label %q: want 1 to %d octets", name, label, dnsMaxLabel)
			}
			b = append(b, byte(len(label)))
			b = append(b, label...)
		}
	}
	b = append(b, 0)
	if len(b)-start > dnsMaxName {
		return b[:start-dnsHeaderLen], fmt.Errorf("name %q: longer than %d octets", name, dnsMaxName)
	}
	return append(b, byte(qtype>>8), byte(qtype), 0, dnsClassIN), nil
}

// dnsHeader is what the check reads of a reply.
type dnsHeader struct {
	id       uint16
	response bool
	rcode    uint8
	answers  uint16
}

var errDNSShort = errors.New("shorter than a DNS header")

// parseDNSHeader reads the header of a reply; the rest is not looked at.
func parseDNSHeader(b []byte) (dnsHeader, error) {
	if len(b) < dnsHeaderLen {
		return dnsHeader{}, errDNSShort
	}
	flags := uint16(b[2])<<8 | uint16(b[3])
	return dnsHeader{
		id:       uint16(b[0])<<8 | uint16(b[1]),
		response: flags&dnsFlagQR != 0,
		rcode:    uint8(flags & 0x0f),
		answers:  uint16(b[6])<<8 | uint16(b[7]),
	}, nil
}
