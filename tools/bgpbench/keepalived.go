package main

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// keepalivedConf is one router of keepalived's active/backup pair: the VIP
// on the client's segment, adverts every second.
func keepalivedConf(prio int) string {
	return fmt.Sprintf(`vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority %d
    advert_int 1
    virtual_ipaddress {
        %s/24
    }
}
`, prio, lab.ScaleOutVIP)
}

// keepalivedDeath is the baseline: every connection is on keepalived's
// master; the master dies the same way (link cut, then killed) and the
// backup takes the VIP.
func keepalivedDeath(ka string, clients int) (res result, err error) {
	l, err := lab.New(lab.Config{Routers: 2, Client: true})
	if err != nil {
		return res, err
	}
	defer l.Close()
	dir, err := os.MkdirTemp("", "bgpbench-ka-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	var procs []*lab.Proc
	for i, prio := range []int{150, 100} {
		h := l.Routers[i]
		ln, err := h.Listen("0.0.0.0:80")
		if err != nil {
			return res, err
		}
		defer ln.Close()
		go lab.ServeName(ln, h.Name)
		base := filepath.Join(dir, h.Name)
		if err := os.WriteFile(base+".conf", []byte(keepalivedConf(prio)), 0o644); err != nil {
			return res, err
		}
		p, err := h.Start(base+".log", ka, "-n", "-l", "-D", "-G", "-P", "-f", base+".conf", "-p", base+".pid",
			"-r", base+"-vrrp.pid", "-c", base+"-check.pid", "-b", base+"-bfd.pid")
		if err != nil {
			return res, err
		}
		procs = append(procs, p)
	}
	vip := netip.MustParseAddr(lab.ScaleOutVIP)
	if err := waitAddr(l.Routers[0], vip, 30*time.Second); err != nil {
		return res, err
	}
	conns, closeAll, err := dial(l, clients)
	if err != nil {
		return res, err
	}
	defer closeAll()
	if err := l.Routers[0].SetLink(false); err != nil {
		return res, err
	}
	t0 := time.Now()
	procs[0].Signal(syscall.SIGKILL)
	if err := waitAddr(l.Routers[1], vip, 30*time.Second); err != nil {
		return res, err
	}
	res.setting = "keepalived VRRP, 1 active of 2"
	res.directors, res.gone, res.total, res.onDead = 1, time.Since(t0), clients, clients
	res.moved, res.lost = lab.PingAll(conns, l.Routers[0].Name)
	return res, nil
}

func waitAddr(h *lab.Host, a netip.Addr, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		if ok, err := h.HasAddr(a); err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s never held %s", h.Name, a)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
