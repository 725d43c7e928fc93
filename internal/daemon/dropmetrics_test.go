package daemon

import (
	"context"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/metrics/metricstest"
	"github.com/govrrpd/govrrpd/internal/status"
	"github.com/govrrpd/govrrpd/vrrp"
)

// TestDropReasonsReachMetrics: one bad advert of each kind issue #13
// names (ttl, checksum, auth, vrid, version, interval, addresses, length)
// goes through the receive path, changes no state, and shows in /metrics
// under its reason, with the daemon's finer label as detail.
func TestDropReasonsReachMetrics(t *testing.T) {
	conf := instanceText("VI_1", "eth0", 1, 150, "192.0.2.100/24") +
		instanceText("VI_2", "eth0", 2, 100, "192.0.2.200/24",
			"authentication {", "    auth_type PASS", "    auth_pass s3cr3tpw", "}")
	h := newHarness(t, conf, "eth0=192.0.2.1")
	src, group := mustAddr("192.0.2.2"), vrrp.Group(vrrp.IPv4)
	vip1, vip2 := []netip.Addr{mustAddr("192.0.2.100")}, []netip.Addr{mustAddr("192.0.2.200")}
	advert := func(vrid, ver uint8, vips []netip.Addr, edit func(*vrrp.Advert)) []byte {
		iv, err := vrrp.IntervalToWire(int(ver), 1e9)
		if err != nil {
			t.Fatal(err)
		}
		a := vrrp.Advert{Version: ver, VRID: vrid, Priority: 200, Interval: iv}
		if err := a.SetAddrs(vips); err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			edit(&a)
		}
		b, err := a.AppendTo(nil, src, group, vrrp.ChecksumDefault)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// deliver hands b to the receive path as the socket reader would; the
	// IP header claims missing more bytes than arrived.
	deliver := func(b []byte, ttl uint8, missing int) {
		h.d.handle(evPacket{sock: h.d.socks[sockKey{"eth0", 4}], at: h.clock, data: b,
			rx: vrrp.RxFacts{Src: src, Dst: group, TTL: ttl, TotalLen: len(b) + missing, RxLen: len(b)}})
	}
	send := func(b []byte) { deliver(b, 255, 0) }

	deliver(advert(1, 2, vip1, nil), 64, 0)
	deliver(advert(1, 2, vip1, nil), 64, 0)
	bad := advert(1, 2, vip1, nil)
	bad[6] ^= 0xff
	send(bad)
	send(advert(2, 2, vip2, nil)) // no authentication to a PASS instance
	send(advert(2, 2, vip2, func(a *vrrp.Advert) { a.AuthType, a.AuthData = vrrp.AuthPass, vrrp.PassAuthData("wrongpw") }))
	send(advert(77, 2, vip1, nil))
	send(advert(1, 3, vip1, nil))
	send(advert(1, 2, vip1, func(a *vrrp.Advert) { a.Interval = 2 }))
	send(advert(1, 2, []netip.Addr{mustAddr("192.0.2.99")}, nil))
	good := advert(1, 2, vip1, nil)
	deliver(good, 255, 4)
	send(good[:4])

	snap := h.d.snapshot()
	for _, in := range snap.Instances {
		if in.State != "BACKUP" || in.MasterAddr != "" || in.Stats.AdvertsReceived != 0 {
			t.Errorf("%s: state %s, master %q, %d accepted: a dropped advert changed it",
				in.Name, in.State, in.MasterAddr, in.Stats.AdvertsReceived)
		}
	}
	m := metrics.New("test")
	if err := RegisterMetrics(m, func(context.Context) (status.Daemon, error) { return h.d.snapshot(), nil }); err != nil {
		t.Fatal(err)
	}
	_, body := metricstest.Scrape(t, m)
	want := map[string]string{
		"ttl":       `govrrpd_vrrp_adverts_dropped_total{detail="ttl",instance="VI_1",reason="ttl"} 2`,
		"checksum":  `govrrpd_vrrp_adverts_dropped_total{detail="checksum",instance="VI_1",reason="checksum"} 1`,
		"auth":      `govrrpd_vrrp_adverts_dropped_total{detail="auth-failure",instance="VI_2",reason="auth"} 1`,
		"vrid":      `govrrpd_vrrp_interface_adverts_dropped_total{detail="vrid",family="inet",interface="eth0",reason="vrid"} 1`,
		"version":   `govrrpd_vrrp_adverts_dropped_total{detail="version",instance="VI_1",reason="version"} 1`,
		"interval":  `govrrpd_vrrp_adverts_dropped_total{detail="advert-interval",instance="VI_1",reason="interval"} 1`,
		"addresses": `govrrpd_vrrp_adverts_dropped_total{detail="address-list",instance="VI_1",reason="addresses"} 1`,
		"length":    `govrrpd_vrrp_adverts_dropped_total{detail="length",instance="VI_1",reason="length"} 1`,
		"auth type": `govrrpd_vrrp_adverts_dropped_total{detail="auth-type-mismatch",instance="VI_2",reason="auth"} 1`,
		"truncated": `govrrpd_vrrp_adverts_dropped_total{detail="truncated",instance="VI_1",reason="length"} 1`,
	}
	for what, line := range want {
		if !strings.Contains(body, line+"\n") {
			t.Errorf("%s: /metrics lacks\n  %s", what, line)
		}
	}
	if strings.Contains(body, "s3cr3tpw") {
		t.Error("/metrics shows the auth_pass")
	}
	if t.Failed() {
		for _, l := range strings.Split(body, "\n") {
			if strings.Contains(l, "dropped_total{") {
				t.Log(l)
			}
		}
	}
}

// TestDropReasonsDocumented: every reason the daemon counts a drop under
// is in docs/api.md's table of drop reasons, so an operator reading a
// detail label finds what it means.
func TestDropReasonsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(doc), "| class | reasons |")
	table, _, _ = strings.Cut(table, "\n\n")
	labels := []string{dropTruncated, dropOversized}
	for r := vrrp.RxOK + 1; !strings.HasPrefix(r.String(), "RxReason(") && r.String() != "unknown"; r++ {
		labels = append(labels, r.String())
	}
	for _, l := range labels {
		if !strings.Contains(table, "`"+l+"`") {
			t.Errorf("drop reason %q (class %q) is not in docs/api.md's drop reasons", l, status.DropClass(l))
		}
	}
}
