package lab

import (
	"testing"
)

// A /proc/net/ip_vs as Linux 6.1 prints it (taken in the test VM), two
// services, three destinations.
const ipvsSample = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
TCP  C0000201:0050 rr
  -> 7F000001:4E21      Local   1      0          0
  -> 7F000001:4E20      Local   1      0          0
TCP  C0000202:0050 rr
  -> 7F000002:4E20      Local   1      0          0
`

func TestIPVSCounts(t *testing.T) {
	if s, d := IPVSCounts([]byte(ipvsSample)); s != 2 || d != 3 {
		t.Errorf("got %d services, %d dests; want 2, 3", s, d)
	}
	if s, d := IPVSCounts([]byte("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n")); s != 0 || d != 0 {
		t.Errorf("empty table: got %d services, %d dests", s, d)
	}
}

func FuzzIPVSCounts(f *testing.F) {
	f.Add([]byte(ipvsSample))
	f.Add([]byte("->\nTCP \n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, d := IPVSCounts(b)
		if s < 0 || d < 0 || s+d > len(b) {
			t.Errorf("%d services, %d dests from %d bytes", s, d, len(b))
		}
	})
}
