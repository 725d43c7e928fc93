package garp

import (
	"bytes"
	"net"
	"net/netip"
	"os"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
)

func firstFrame(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, _, err := r.ReadPacketData()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The frames must be byte-identical to what keepalived 2.2.7 sent in the
// lab captures (notes: pcaps/README.md).
func TestFramesMatchKeepalived(t *testing.T) {
	cases := []struct {
		pcap string
		mac  string
		ip   string
	}{
		{"testdata/garp-on-master.pcap", "", "192.0.2.200"},
		{"testdata/unsolicited-na-on-master-ipv6.pcap", "02:42:c0:00:02:0b", "2001:db8::200"},
	}
	for _, c := range cases {
		want := firstFrame(t, c.pcap)
		mac := net.HardwareAddr(want[6:12])
		if c.mac != "" && mac.String() != c.mac {
			t.Fatalf("%s: capture MAC %s", c.pcap, mac)
		}
		got, err := Frame(mac, netip.MustParseAddr(c.ip))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %x\nwant %x", c.pcap, got, want)
		}
	}
}
