package main

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"time"
)

// perVS is how many real servers share a virtual_server: a few services
// rather than one, as a farm this size would be laid out.
const perVS = 1000

// targets lays the real servers out over 127.0.0.1..: 1,000 ports each
// from 20000, below the ephemeral range so the checkers' own sockets never
// collide with a listener.
func targets(n int) []netip.AddrPort {
	out := make([]netip.AddrPort, n)
	for i := range out {
		addr := netip.AddrFrom4([4]byte{127, 0, byte(i / perVS / 250), byte(1 + i/perVS%250)})
		out[i] = netip.AddrPortFrom(addr, uint16(20000+i%perVS))
	}
	return out
}

// writeConf writes the keepalived.conf both daemons run: virtual servers
// on TEST-NET-1 (192.0.2.1.., port 80), NAT, each real server with a
// TCP_CHECK. Both read the same file, so neither gets a friendlier setup.
func writeConf(w io.Writer, ts []netip.AddrPort, interval, connectTimeout time.Duration) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "! tools/checkbench: %d real servers, TCP_CHECK every %v\n", len(ts), interval)
	fmt.Fprintf(bw, "global_defs {\n    router_id checkbench\n}\n")
	for i, t := range ts {
		if i%perVS == 0 {
			if i > 0 {
				fmt.Fprintf(bw, "}\n")
			}
			vs := 1 + i/perVS
			fmt.Fprintf(bw, "virtual_server 192.0.2.%d 80 {\n    delay_loop %s\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n",
				vs, seconds(interval))
		}
		fmt.Fprintf(bw, "    real_server %s %d {\n        TCP_CHECK {\n            connect_timeout %s\n        }\n    }\n",
			t.Addr(), t.Port(), seconds(connectTimeout))
	}
	if len(ts) > 0 {
		fmt.Fprintf(bw, "}\n")
	}
	return bw.Flush()
}

// seconds prints a duration as keepalived's timer syntax (seconds, with
// a fraction when needed).
func seconds(d time.Duration) string {
	return fmt.Sprintf("%g", d.Seconds())
}
