package lvs

import (
	"context"
	"fmt"
	"maps"
	"net"
	"testing"
)

// Quorums says what Snapshot says of each virtual server's quorum,
// without the counters: one served, one whose only real server is down.
func TestQuorums(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cfg := load(t, t.TempDir(), fmt.Sprintf(`
virtual_server 192.0.2.10 80 {
    lb_algo mh
    lb_kind DR
    protocol TCP
    real_server 198.51.100.1 80 {
    }
}
virtual_server 192.0.2.11 %[1]d {
    delay_loop 1
    lb_algo mh
    lb_kind DR
    quorum 1
    protocol TCP
    real_server 127.0.0.1 %[1]d {
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
`, closed))
	if q := New(Options{Log: quiet}).Quorums(); q != nil {
		t.Errorf("not started: %v", q)
	}
	s := newMem(t, context.Background(), cfg)
	want := map[string]bool{"TCP 192.0.2.10:80": true, fmt.Sprintf("TCP 192.0.2.11:%d", closed): false}
	eventually(t, "quorum lost", func() string {
		if q := s.Quorums(); !maps.Equal(q, want) {
			return fmt.Sprintf("Quorums() = %v, want %v", q, want)
		}
		return ""
	})
	for _, v := range s.Snapshot() {
		if v.Quorum != want[v.Key] {
			t.Errorf("Snapshot says %s quorum %v", v.Key, v.Quorum)
		}
	}
}
