package confparse

import (
	"net/netip"
	"testing"

	"github.com/govrrpd/govrrpd/ipvs"
)

// vsg is a virtual_server_group G whose entries start at line 2.
func vsg(entries string) string { return "virtual_server_group G {\n" + entries + "\n}\n" }

func vsgEntries(c *Config) any { return c.ServerGroups[0].Entries }

// vsgE builds an address entry.
func vsgE(first, last string, port uint16) ipvs.GroupEntry {
	f, l := netip.MustParseAddr(first), netip.MustParseAddr(last)
	fam := uint8(4)
	if f.Is6() {
		fam = 6
	}
	return ipvs.GroupEntry{First: f, Last: l, Port: port, Family: fam}
}

// Each entry form, the family of fwmark entries, and a bad entry skipped
// with its own line while the others are kept.
func TestSemLVSGroupEntries(t *testing.T) {
	one := func(e ipvs.GroupEntry) []ipvs.GroupEntry { return []ipvs.GroupEntry{e} }
	slRun(t, []slRow{
		{"address", vsg("192.0.2.1 80"), vsgEntries, one(vsgE("192.0.2.1", "192.0.2.1", 80)), nil},
		{"no port", vsg("192.0.2.1"), vsgEntries, one(vsgE("192.0.2.1", "192.0.2.1", 0)), nil},
		{"last octet", vsg("192.0.2.1-254 443"), vsgEntries, one(vsgE("192.0.2.1", "192.0.2.254", 443)), nil},
		{"two addresses", vsg("192.0.2.250-192.0.3.5 80"), vsgEntries, one(vsgE("192.0.2.250", "192.0.3.5", 80)), nil},
		{"same address range", vsg("192.0.2.7-192.0.2.7 80"), vsgEntries, one(vsgE("192.0.2.7", "192.0.2.7", 80)), nil},
		{"prefix", vsg("192.0.2.17/28 80"), vsgEntries, one(vsgE("192.0.2.16", "192.0.2.31", 80)), nil},
		{"host prefix", vsg("192.0.2.17/32 80"), vsgEntries, one(vsgE("192.0.2.17", "192.0.2.17", 80)), nil},
		{"ipv6 last group is hex", vsg("2001:db8::a-1f 80"), vsgEntries, one(vsgE("2001:db8::a", "2001:db8::1f", 80)), nil},
		{"ipv6 two addresses", vsg("2001:db8::1-2001:db8::1:0 80"), vsgEntries, one(vsgE("2001:db8::1", "2001:db8::1:0", 80)), nil},
		{"ipv6 prefix", vsg("2001:db8::/126 53"), vsgEntries, one(vsgE("2001:db8::", "2001:db8::3", 53)), nil},
		{"fwmark", vsg("fwmark 3"), vsgEntries, one(ipvs.GroupEntry{FWMark: 3, Family: 4}), nil},
		{"fwmark inet", vsg("fwmark 3 inet"), vsgEntries, one(ipvs.GroupEntry{FWMark: 3, Family: 4}), nil},
		{"fwmark inet6", vsg("fwmark 4294967295 inet6"), vsgEntries, one(ipvs.GroupEntry{FWMark: 4294967295, Family: 6}), nil},
		{"fwmark with ipv6 entries", vsg("2001:db8::1 80\nfwmark 3"), vsgEntries,
			[]ipvs.GroupEntry{vsgE("2001:db8::1", "2001:db8::1", 80), {FWMark: 3, Family: 6}}, nil},
		{"explicit family with both", vsg("192.0.2.1 80\n2001:db8::1 80\nfwmark 3 inet6"), func(c *Config) any {
			return len(c.ServerGroups[0].Entries)
		}, 3, nil},
		{"fwmark without family with both", vsg("192.0.2.1 80\n2001:db8::1 80\nfwmark 3"), func(c *Config) any {
			return len(c.ServerGroups)
		}, 0, []slDiag{slW(1, "virtual server group G cannot have IPv4, IPv6 and fwmark without family - removing")}},
		{"bad ones skipped", vsg("192.0.2.1 80\njunk 80\n192.0.2.2 80"), vsgEntries,
			[]ipvs.GroupEntry{vsgE("192.0.2.1", "192.0.2.1", 80), vsgE("192.0.2.2", "192.0.2.2", 80)},
			[]slDiag{slW(3, "Invalid virtual server group IP address junk - skipping")}},
	})
}

func TestSemLVSGroupErrors(t *testing.T) {
	// bad puts a good entry after the bad one, at line 3, so the group
	// is kept.
	bad := func(e string) string { return vsg(e + "\n192.0.2.9 80") }
	n := func(c *Config) any { return len(c.ServerGroups[0].Entries) }
	slRun(t, []slRow{
		{"fwmark 0", bad("fwmark 0"), n, 1, []slDiag{slW(2, "virtual server group fwmark '0' is invalid - skipping")}},
		{"fwmark word", bad("fwmark one"), n, 1, []slDiag{slW(2, "virtual server group fwmark 'one' is invalid - skipping")}},
		{"fwmark too large", bad("fwmark 4294967296"), n, 1, []slDiag{slW(2, "fwmark '4294967296' is invalid")}},
		{"fwmark family", bad("fwmark 1 ipx"), n, 1, []slDiag{slW(2, "virtual server group fwmark family 'ipx' is invalid - skipping")}},
		{"port too large", bad("192.0.2.1 99999"), n, 1, []slDiag{slW(2, "Invalid virtual server group port '99999' - skipping")}},
		{"port word", bad("192.0.2.1 www"), n, 1, []slDiag{slW(2, "Invalid virtual server group port 'www'")}},
		{"prefix too long", bad("192.0.2.0/33 80"), n, 1, []slDiag{slW(2, "Invalid virtual server group IP address 192.0.2.0/33 - skipping")}},
		{"mixed families", bad("192.0.2.1-2001:db8::1 80"), n, 1, []slDiag{slW(2, "Invalid virtual server group IP address 192.0.2.1-2001:db8::1")}},
		{"end below start", bad("192.0.2.5-4 80"), n, 1,
			[]slDiag{slW(2, "Address range end is not greater than address range start - 192.0.2.5-4 - skipping")}},
		{"end equals start", bad("192.0.2.5-5 80"), n, 1, []slDiag{slW(2, "not greater than address range start - 192.0.2.5-5")}},
		{"end below start, two addresses", bad("192.0.2.5-192.0.2.4 80"), n, 1,
			[]slDiag{slW(2, "Address range end is less than address range start - 192.0.2.5-192.0.2.4 - skipping")}},
		{"last octet too large", bad("192.0.2.5-256 80"), n, 1, []slDiag{slW(2, "Invalid virtual server group IP address 192.0.2.5-256")}},
		{"ipv6 last group not hex", bad("2001:db8::1-xyz 80"), n, 1, []slDiag{slW(2, "Invalid virtual server group IP address 2001:db8::1-xyz")}},
		{"zone", bad("fe80::1%eth0 80"), n, 1, []slDiag{slW(2, "Invalid virtual server group IP address fe80::1%eth0")}},
		{"fwmark bare", bad("fwmark"), n, 1, []slDiag{{Stop, 2, "keyword `fwmark` at word position 2"}}},
		{"all bad", vsg("fwmark 0"), func(c *Config) any { return len(c.ServerGroups) }, 0,
			[]slDiag{slW(2, "fwmark '0' is invalid"), slW(1, "virtual server group G has no entries - removing")}},
		{"empty", vsg(""), func(c *Config) any { return len(c.ServerGroups) }, 0,
			[]slDiag{slW(1, "virtual server group G has no entries - removing")}},
		{"no name", "virtual_server_group {\n192.0.2.1 80\n}\n", func(c *Config) any { return len(c.ServerGroups) }, 0,
			[]slDiag{{Stop, 1, "keyword `virtual_server_group` at word position 2"}}},
		{"defined twice", vsg("192.0.2.1 80") + vsg("192.0.2.2 80"), func(c *Config) any { return vsgEntries(c) },
			[]ipvs.GroupEntry{vsgE("192.0.2.1", "192.0.2.1", 80)}, []slDiag{slW(4, "virtual_server_group G is defined twice - ignoring the second")}},
		{"two groups", vsg("192.0.2.1 80") + "virtual_server_group H {\nfwmark 1\n}\n", func(c *Config) any {
			return []string{c.ServerGroups[0].Name, c.ServerGroups[1].Name}
		}, []string{"G", "H"}, nil},
		{"source", vsg("192.0.2.1 80"), func(c *Config) any { return c.ServerGroups[0].Source[len(c.ServerGroups[0].Source)-2:] }, ":1", nil},
	})
}

// A group service takes its family and key from the group; the group
// may come after it.
func TestSemLVSGroupService(t *testing.T) {
	svc := "virtual_server group G {\nlb_algo rr\nlb_kind DR\nprotocol TCP\nreal_server 192.0.2.10 80 {\n}\n}\n"
	slRun(t, []slRow{
		{"before", vsg("192.0.2.1 80") + svc, vsKey, "group G/TCP", nil},
		{"after", svc + vsg("192.0.2.1 80"), vsKey, "group G/TCP", nil},
		{"family from the reals", vsg("2001:db8::1 80") + "virtual_server group G {\nlb_algo rr\nlb_kind DR\nprotocol TCP\nreal_server 2001:db8::10 80 {\n}\n}\n",
			func(c *Config) any { return vs0(c).Family }, uint8(6), nil},
		{"dr keeps real ports", vsg("192.0.2.1 80") + "virtual_server group G {\nlb_algo rr\nlb_kind DR\nprotocol TCP\nreal_server 192.0.2.10 8080 {\n}\n}\n",
			func(c *Config) any { return rs0(c).Addr.Port() }, uint16(8080), nil},
		{"zero port is fine", vsg("192.0.2.1") + svc, func(c *Config) any { return vs0(c).Persistence.Seconds() }, 0.0, nil},
	})
}
