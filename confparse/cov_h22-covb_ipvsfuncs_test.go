package confparse

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/ipvs"
)

// Direct tables for the pure readers of the LVS side: a virtual server
// header, a real/sorry server address, one virtual_server_group line, and
// keepalived's TIMER. Each row is the words as tokenized and either the
// value read or a piece of the error.

func TestVSHeaderWords(t *testing.T) {
	ap := netip.MustParseAddrPort
	for _, r := range []struct {
		name string
		args []string
		want ipvs.VirtualServer
		err  string
	}{
		{"address and port", []string{"192.0.2.1", "80"}, ipvs.VirtualServer{Addr: ap("192.0.2.1:80"), Family: 4}, ""},
		{"address alone has port 0", []string{"192.0.2.1"}, ipvs.VirtualServer{Addr: ap("192.0.2.1:0"), Family: 4}, ""},
		{"IPv6", []string{"2001:db8::1", "443"}, ipvs.VirtualServer{Addr: ap("[2001:db8::1]:443"), Family: 6}, ""},
		{"fwmark", []string{"fwmark", "4294967295"}, ipvs.VirtualServer{FWMark: 4294967295, Family: 4}, ""},
		{"group", []string{"group", "G1"}, ipvs.VirtualServer{Group: "G1", Family: 4}, ""},
		{"nothing", nil, ipvs.VirtualServer{}, "no address given"},
		{"fwmark without mark", []string{"fwmark"}, ipvs.VirtualServer{}, "fwmark needs a value"},
		{"fwmark zero", []string{"fwmark", "0"}, ipvs.VirtualServer{}, "invalid fwmark '0'"},
		{"fwmark above 32 bits", []string{"fwmark", "4294967296"}, ipvs.VirtualServer{}, "invalid fwmark '4294967296'"},
		{"group without name", []string{"group"}, ipvs.VirtualServer{}, "group needs a name"},
		{"host name", []string{"www.example.com", "80"}, ipvs.VirtualServer{}, "invalid address 'www.example.com'"},
		{"zone", []string{"fe80::1%eth0", "80"}, ipvs.VirtualServer{}, "invalid address 'fe80::1%eth0'"},
		{"port above 16 bits", []string{"192.0.2.1", "65536"}, ipvs.VirtualServer{}, "invalid port '65536'"},
		{"named port", []string{"192.0.2.1", "http"}, ipvs.VirtualServer{}, "invalid port 'http'"},
	} {
		t.Run(r.name, func(t *testing.T) {
			var vs ipvs.VirtualServer
			err := vsHeader(&vs, r.args)
			if r.err != "" {
				if err == nil || !strings.Contains(err.Error(), r.err) {
					t.Fatalf("error %v, want %q", err, r.err)
				}
				return
			}
			if err != nil || vs.Addr != r.want.Addr || vs.FWMark != r.want.FWMark || vs.Group != r.want.Group || vs.Family != r.want.Family {
				t.Errorf("got %+v, %v; want %+v", vs, err, r.want)
			}
		})
	}
}

func TestLVSAddrPortWords(t *testing.T) {
	for _, r := range []struct {
		args []string
		want string // netip.AddrPort text, or the error piece when err
		err  bool
	}{
		{[]string{"192.0.2.10", "8080"}, "192.0.2.10:8080", false},
		{[]string{"192.0.2.10"}, "192.0.2.10:0", false},
		{[]string{"2001:db8::10", "0"}, "[2001:db8::10]:0", false},
		{nil, "no address given", true},
		{[]string{"192.0.2.300", "80"}, "invalid address '192.0.2.300'", true},
		{[]string{"fe80::1%lo", "80"}, "invalid address 'fe80::1%lo'", true},
		{[]string{"192.0.2.10", "-1"}, "invalid port '-1'", true},
		{[]string{"192.0.2.10", "70000"}, "invalid port '70000'", true},
	} {
		got, err := lvsAddrPort(r.args)
		switch {
		case r.err && (err == nil || !strings.Contains(err.Error(), r.want)):
			t.Errorf("%q: error %v, want %q", r.args, err, r.want)
		case !r.err && (err != nil || got != netip.MustParseAddrPort(r.want)):
			t.Errorf("%q: got %v, %v; want %s", r.args, got, err, r.want)
		}
	}
}

func TestVSGEntryWords(t *testing.T) {
	a := netip.MustParseAddr
	for _, r := range []struct {
		name string
		w    []string
		want ipvs.GroupEntry
		fam  bool
		err  string
	}{
		{"single address", []string{"192.0.2.1", "80"}, ipvs.GroupEntry{First: a("192.0.2.1"), Last: a("192.0.2.1"), Port: 80, Family: 4}, false, ""},
		{"no port", []string{"192.0.2.1"}, ipvs.GroupEntry{First: a("192.0.2.1"), Last: a("192.0.2.1"), Family: 4}, false, ""},
		{"last octet range", []string{"192.0.2.1-9", "80"}, ipvs.GroupEntry{First: a("192.0.2.1"), Last: a("192.0.2.9"), Port: 80, Family: 4}, false, ""},
		{"full address range", []string{"192.0.2.250-192.0.3.2", "80"}, ipvs.GroupEntry{First: a("192.0.2.250"), Last: a("192.0.3.2"), Port: 80, Family: 4}, false, ""},
		{"IPv6 last group is hex", []string{"2001:db8::1-1f", "80"}, ipvs.GroupEntry{First: a("2001:db8::1"), Last: a("2001:db8::1f"), Port: 80, Family: 6}, false, ""},
		{"prefix is masked", []string{"192.0.2.77/28", "80"}, ipvs.GroupEntry{First: a("192.0.2.64"), Last: a("192.0.2.79"), Port: 80, Family: 4}, false, ""},
		{"IPv6 prefix", []string{"2001:db8::/126"}, ipvs.GroupEntry{First: a("2001:db8::"), Last: a("2001:db8::3"), Family: 6}, false, ""},
		{"host prefix", []string{"192.0.2.5/32", "1"}, ipvs.GroupEntry{First: a("192.0.2.5"), Last: a("192.0.2.5"), Port: 1, Family: 4}, false, ""},
		{"fwmark", []string{"fwmark", "7"}, ipvs.GroupEntry{FWMark: 7, Family: 4}, false, ""},
		{"fwmark inet", []string{"fwmark", "7", "inet"}, ipvs.GroupEntry{FWMark: 7, Family: 4}, true, ""},
		{"fwmark inet6", []string{"fwmark", "7", "inet6"}, ipvs.GroupEntry{FWMark: 7, Family: 6}, true, ""},
		{"fwmark no value", []string{"fwmark"}, ipvs.GroupEntry{}, false, "virtual server group fwmark needs a value"},
		{"fwmark zero", []string{"fwmark", "0"}, ipvs.GroupEntry{}, false, "fwmark '0' is invalid"},
		{"fwmark word", []string{"fwmark", "x"}, ipvs.GroupEntry{}, false, "fwmark 'x' is invalid"},
		{"fwmark family", []string{"fwmark", "7", "inet4"}, ipvs.GroupEntry{}, false, "fwmark family 'inet4' is invalid"},
		{"bad port", []string{"192.0.2.1", "65536"}, ipvs.GroupEntry{}, false, "Invalid virtual server group port '65536'"},
		{"bad prefix", []string{"192.0.2.1/33"}, ipvs.GroupEntry{}, false, "Invalid virtual server group IP address 192.0.2.1/33"},
		{"host name", []string{"lb.example.com"}, ipvs.GroupEntry{}, false, "Invalid virtual server group IP address lb.example.com"},
		{"zone", []string{"fe80::1%eth0"}, ipvs.GroupEntry{}, false, "Invalid virtual server group IP address fe80::1%eth0"},
		{"mixed families", []string{"192.0.2.1-2001:db8::1"}, ipvs.GroupEntry{}, false, "Invalid virtual server group IP address"},
		{"full range backwards", []string{"192.0.2.9-192.0.2.1"}, ipvs.GroupEntry{}, false, "Address range end is less than address range start - 192.0.2.9-192.0.2.1"},
		{"octet range backwards", []string{"192.0.2.9-1"}, ipvs.GroupEntry{}, false, "Address range end is not greater than address range start - 192.0.2.9-1"},
		{"octet range of one", []string{"192.0.2.9-9"}, ipvs.GroupEntry{}, false, "Address range end is not greater than address range start"},
		{"octet above 255", []string{"192.0.2.1-256"}, ipvs.GroupEntry{}, false, "Invalid virtual server group IP address 192.0.2.1-256"},
		{"IPv6 group above 16 bits", []string{"2001:db8::1-10000"}, ipvs.GroupEntry{}, false, "Invalid virtual server group IP address 2001:db8::1-10000"},
	} {
		t.Run(r.name, func(t *testing.T) {
			e, fam, err := vsgEntry(r.w)
			if r.err != "" {
				if err == nil || !strings.Contains(err.Error(), r.err) {
					t.Fatalf("error %v, want %q", err, r.err)
				}
				return
			}
			if err != nil || e != r.want || fam != r.fam {
				t.Errorf("got %+v fam=%v err=%v; want %+v fam=%v", e, fam, err, r.want, r.fam)
			}
		})
	}
}

func TestParseTimerWords(t *testing.T) {
	for _, r := range []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"1", time.Second, false},
		{"0", 0, false},
		{"0.5", 500 * time.Millisecond, false},
		{"0.0000014", time.Microsecond, false}, // microsecond resolution, rounded
		{"0.0000016", 2 * time.Microsecond, false},
		{"1e3", 1000 * time.Second, false},
		{"1000000000", 1e9 * time.Second, false},
		{"1000000001", 0, true},
		{"-1", 0, true},
		{"NaN", 0, true},
		{"Inf", 0, true},
		{"1s", 0, true},
		{"", 0, true},
	} {
		got, err := parseTimer(r.in)
		if (err != nil) != r.err || got != r.want {
			t.Errorf("parseTimer(%q) = %v, %v; want %v, error %v", r.in, got, err, r.want, r.err)
		}
	}
}

func TestFmtSecondsRoundTrip(t *testing.T) {
	for in, want := range map[time.Duration]string{
		0: "0", time.Second: "1", 1500 * time.Millisecond: "1.5", time.Microsecond: "0.000001", 4294 * time.Second: "4294",
	} {
		if got := fmtSeconds(in); got != want {
			t.Errorf("fmtSeconds(%v) = %q, want %q", in, got, want)
		}
		if back, err := parseTimer(fmtSeconds(in)); err != nil || back != in {
			t.Errorf("parseTimer(fmtSeconds(%v)) = %v, %v", in, back, err)
		}
	}
}
