package main

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
)

// fallbackConf stands in for examples/keepalived.conf when it is missing:
// same shape (one instance on eth0, a VIP on TEST-NET-1, a virtual_server
// that -P leaves to the checker process the demo does not run).
const fallbackConf = `global_defs {
    router_id demo
}

vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.200/24
    }
}

virtual_server 192.0.2.200 80 {
    delay_loop 6
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 198.51.100.11 80 {
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
`

// demoConf is what the demo learned from the configuration.
type demoConf struct {
	Source   string // file it came from, or "built-in"
	Text     string
	Instance string
	VIP      netip.Prefix
	Advert   time.Duration
	Version  int
	Moved    netip.Addr // the configured VIP, when it had to move
}

// priorityLine also matches lines kept for one config id ("@lb1 priority
// 150"): the demo runs without -i, so it makes them every router's line.
var priorityLine = regexp.MustCompile(`(?m)^(\s*)(?:@\S+\s+)?priority\s+\d+`)

// labAddrs are the lab's own host addresses; a VIP on one of them (the
// example's 192.0.2.100 is the lab client's) is moved to freeVIP.
var (
	labAddrs = []string{"192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.100"}
	freeVIP  = netip.MustParseAddr("192.0.2.200")
)

// loadDemoConf reads path (or the fallback when it does not exist) and
// checks it suits the lab: its first instance must be on eth0 with an IPv4
// VIP in 192.0.2.0/24, the segment the client is on.
func loadDemoConf(path string) (*demoConf, error) {
	dc := &demoConf{Source: path}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		dc.Source, dc.Text = "built-in (no "+path+")", fallbackConf
	case err != nil:
		return nil, err
	default:
		dc.Text = string(b)
	}
	tmp, err := os.CreateTemp("", "demo-*.conf")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(dc.Text); err != nil {
		return nil, err
	}
	tmp.Close()
	cfg, diags := confparse.Load(tmp.Name(), confparse.Options{})
	for _, d := range diags {
		if d.Severity == confparse.Fatal {
			return nil, fmt.Errorf("%s: %s", filepath.Base(path), d.Msg)
		}
	}
	if cfg == nil || len(cfg.Instances) == 0 {
		return nil, fmt.Errorf("%s: no vrrp_instance", dc.Source)
	}
	in := cfg.Instances[0]
	if in.Interface != "eth0" {
		return nil, fmt.Errorf("%s: instance %s is on %s; the lab's routers have eth0", dc.Source, in.Name, in.Interface)
	}
	if len(in.Options().UnicastPeers) > 0 {
		return nil, fmt.Errorf("%s: instance %s uses unicast peers; the demo needs multicast", dc.Source, in.Name)
	}
	segment := netip.MustParsePrefix("192.0.2.0/24")
	for _, v := range in.VIPs {
		if v.Prefix.Addr().Is4() && segment.Contains(v.Prefix.Addr()) {
			dc.VIP = v.Prefix
			break
		}
	}
	if !dc.VIP.IsValid() {
		return nil, fmt.Errorf("%s: instance %s has no VIP in 192.0.2.0/24", dc.Source, in.Name)
	}
	dc.Instance, dc.Advert, dc.Version = in.Name, in.AdvertInt, int(in.Version)
	for _, a := range labAddrs {
		if dc.VIP.Addr().String() == a {
			old := regexp.MustCompile(`\b` + regexp.QuoteMeta(a) + `\b`)
			dc.Text = old.ReplaceAllString(dc.Text, freeVIP.String())
			dc.Moved, dc.VIP = dc.VIP.Addr(), netip.PrefixFrom(freeVIP, dc.VIP.Bits())
		}
	}
	return dc, nil
}

// forRouter gives every priority line the router's priority, so the demo's
// routers are ordered r1 > r2 > r3 whatever the example says.
func (dc *demoConf) forRouter(prio int) string {
	return priorityLine.ReplaceAllString(dc.Text, "${1}priority "+strconv.Itoa(prio))
}
