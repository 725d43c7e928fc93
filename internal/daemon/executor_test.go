package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The executor's golden call logs: each scenario starts the daemon on
// fake ports, runs its steps, and the port calls (adverts decoded,
// addresses, GARPs, notifies) are diffed against testdata/executor/NAME.golden.
// Regenerate with -update and review the diff.

// instanceText is one vrrp_instance block, advert_int 1, one VIP.
func instanceText(name, iface string, vrid, prio int, vip string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "vrrp_instance %s {\n    interface %s\n    virtual_router_id %d\n    priority %d\n    advert_int 1\n",
		name, iface, vrid, prio)
	for _, e := range extra {
		b.WriteString("    " + e + "\n")
	}
	fmt.Fprintf(&b, "    virtual_ipaddress {\n        %s\n    }\n}\n", vip)
	return b.String()
}

var (
	twoInstances = instanceText("VI_1", "eth0", 1, 150, "192.0.2.100/24") + instanceText("VI_2", "eth0", 2, 100, "192.0.2.200/24")
	oneInstance  = instanceText("VI_1", "eth0", 1, 100, "192.0.2.100/24")
)

var tracked = "vrrp_script chk_web {\n    script \"/bin/true\"\n    interval 1\n    weight -60\n}\n" +
	"vrrp_script chk_db {\n    script \"/bin/true\"\n    interval 1\n}\n" +
	instanceText("VI_1", "eth0", 1, 150, "192.0.2.100/24", "track_script {", "    chk_web", "    chk_db", "}")

var syncGroup = "vrrp_sync_group G1 {\n    group {\n        VI_A\n        VI_B\n    }\n}\n" +
	instanceText("VI_A", "eth0", 1, 150, "192.0.2.100/24") + instanceText("VI_B", "eth1", 2, 150, "198.51.100.100/24")

const richInstance = `
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 1
    priority 150
    advert_int 1
    unicast_src_ip 192.0.2.1
    unicast_peer {
        192.0.2.2
        192.0.2.3
    }
    virtual_ipaddress {
        192.0.2.100/24
    }
    virtual_ipaddress_excluded {
        198.51.100.100/24
    }
    virtual_routes {
        203.0.113.0/24 via 192.0.2.254
    }
    virtual_rules {
        from 203.0.113.0/24 table 100
    }
    notify_master "/bin/true master"
}
`

const ipv6Instance = `
vrrp_instance VI_6 {
    interface eth6
    virtual_router_id 6
    priority 150
    advert_int 0.5
    virtual_ipaddress {
        fe80::6/64
        2001:db8::6/64
    }
}
`

var scenarios = []struct {
	name   string
	conf   string
	ifaces []string
	steps  []string
}{
	{"election", twoInstances, []string{"eth0=192.0.2.1"}, []string{
		"state",
		"advert eth0 from 192.0.2.2 vrid 2 prio 200",
		"advance 3.5s",
		"advert eth0 from 192.0.2.2 vrid 2 prio 200",
		"advance 1s",
		"state",
	}},
	{"takeover-master-down", oneInstance, []string{"eth0=192.0.2.1"}, []string{
		"advert eth0 from 192.0.2.2 vrid 1 prio 200",
		"advance 1s",
		"advert eth0 from 192.0.2.2 vrid 1 prio 200",
		"advance 3s",
		"state",
		"advance 1.5s",
		"state",
	}},
	{"preemption", twoInstances, []string{"eth0=192.0.2.1"}, []string{
		"advert eth0 from 192.0.2.2 vrid 1 prio 100",
		"advance 3.5s",
		"state",
		"advert eth0 from 192.0.2.2 vrid 1 prio 200",
		"advance 10ms",
		"state",
	}},
	// A peer that took over for a moment (issue #16 item 9): the answer,
	// then, once it has been quiet for two intervals, one more GARP burst
	// — after anything it sent while it held the VIP.
	{"lower-prio-episode-end", oneInstance, []string{"eth0=192.0.2.1"}, []string{
		"advance 4s",
		"advert eth0 from 192.0.2.2 vrid 1 prio 50",
		"advance 500ms",
		"advert eth0 from 192.0.2.2 vrid 1 prio 50",
		"advance 4s",
		"advert eth0 from 192.0.2.2 vrid 1 prio 50",
		"advance 10ms",
		"state",
	}},
	{"sigterm-handover", oneInstance, []string{"eth0=192.0.2.1"}, []string{
		"advance 4s",
		"sigterm",
		"advance 300ms",
		"advert eth0 from 192.0.2.2 vrid 1 prio 150",
		"advance 700ms",
		"advert eth0 from 192.0.2.2 vrid 1 prio 150",
		"advance 30ms",
		"state",
		"finish",
	}},
	{"reload-keeps-state", oneInstance, []string{"eth0=192.0.2.1"}, []string{
		"advance 4s",
		"reload " + strings.Replace(oneInstance, "192.0.2.100/24", "192.0.2.100/24\n        192.0.2.101/24", 1),
		"state",
		"reload " + strings.Replace(oneInstance, "192.0.2.100/24", "192.0.2.100/24\n        192.0.2.101/24", 1),
		"reload " + oneInstance + "vrrp_instance VI_9 {\n interface eth0\n virtual_router_id 9\n priority 90\n virtual_ipaddress {\n 192.0.2.9/24\n }\n}\n",
		"advance 4s",
		"state",
		"reload " + strings.Replace(oneInstance, "priority 100", "priority 120", 1),
		"state",
	}},
	{"sync-group", syncGroup, []string{"eth0=192.0.2.1", "eth1=198.51.100.1"}, []string{
		"advance 4s",
		"state",
		"link eth1 down",
		"state",
		"link eth1 up",
		"advance 4s",
		"state",
	}},
	{"tracking", tracked, []string{"eth0=192.0.2.1"}, []string{
		"track script chk_web up",
		"track script chk_db up",
		"advance 4s",
		"state",
		"track script chk_web down",
		"advert eth0 from 192.0.2.2 vrid 1 prio 100",
		"state",
		"track script chk_db down",
		"state",
		"track script chk_db up",
		"track script chk_web up",
		"advance 4s",
		"state",
	}},
	{"interface-loss", oneInstance, []string{"eth0=192.0.2.1"}, []string{
		"advance 4s",
		"link eth0 down",
		"state",
		"advance 5s",
		"link eth0 up",
		"advance 4s",
		"state",
	}},
	{"address-missing-at-start", twoInstances + strings.NewReplacer("VI_1", "VI_3", "eth0", "eth1", "virtual_router_id 1", "virtual_router_id 3", "192.0.2.100", "198.51.100.100").Replace(oneInstance),
		[]string{"eth0=192.0.2.1", "eth1="}, []string{
			"state",
			"advance 4s",
			"state",
			"addr eth1 198.51.100.1",
			"advance 4s",
			"state",
		}},
	{"interface-missing-at-start", strings.ReplaceAll(oneInstance, "eth0", "eth7"), []string{"eth0=192.0.2.1"}, []string{
		"advance 4s",
		"state",
		"addr eth7 192.0.2.7",
		"link eth7 up",
		"advance 4s",
		"state",
	}},
	{"failed-vip-add", oneInstance, []string{"eth0=192.0.2.1"}, []string{
		"fail-add 192.0.2.100/24",
		"advance 4s",
		"state",
		"advance 1s",
		"ok-add 192.0.2.100/24",
		"advance 6s",
		"state",
	}},
	{"maintenance", twoInstances, []string{"eth0=192.0.2.1"}, []string{
		"advance 4s",
		"maintenance VI_1 on",
		"advance 700ms",
		"advert eth0 from 192.0.2.2 vrid 1 prio 100",
		"advance 30ms",
		"state",
		"reload " + twoInstances,
		"advance 5s",
		"state",
		"maintenance VI_1 off",
		"advert eth0 from 192.0.2.2 vrid 1 prio 100",
		"advance 4s",
		"state",
		"maintenance VI_7 on",
	}},
	{"reload-refused-and-restart", twoInstances, []string{"eth0=192.0.2.1"}, []string{
		"advance 4s",
		"reload " + twoInstances + "vrrp_instance VI_3 {\n interface eth0\n virtual_router_id 1\n}\n",
		"state",
		"reload " + strings.Replace(twoInstances, "advert_int 1\n    virtual_ipaddress {\n        192.0.2.100", "advert_int 2\n    virtual_ipaddress {\n        192.0.2.100", 1),
		"state",
		"advance 8s",
		"state",
		"reload " + strings.Replace(strings.Replace(twoInstances, "VI_2", "VI_X", 1), "virtual_router_id 2", "virtual_router_id 12", 1),
		"state",
	}},
	{"unicast-routes-rules", richInstance, []string{"eth0=192.0.2.1"}, []string{
		"advance 4s",
		"advert eth0 from 192.0.2.2 vrid 1 prio 100 to 192.0.2.1",
		"advert eth0 from 192.0.2.9 vrid 1 prio 100 to 192.0.2.1",
		"state",
		"advert eth0 from 192.0.2.3 vrid 1 prio 200 to 192.0.2.1",
		"state",
	}},
	{"ipv6-na", ipv6Instance, []string{"eth6=fe80::1"}, []string{
		"advance 2s",
		"state",
		"advert eth6 from fe80::2 vrid 6 prio 200 ver 3 int 500ms to ff02::12",
		"advance 10ms",
		"state",
	}},
	{"drops", twoInstances, []string{"eth0=192.0.2.1"}, []string{
		"advert eth0 from 192.0.2.2 vrid 1 prio 200 ttl 64",
		"advert eth0 from 192.0.2.2 vrid 1 prio 200 int 2s",
		"advert eth0 from 192.0.2.2 vrid 77 prio 200",
		"raw eth0 192.0.2.2 2101",
		"raw eth0 192.0.2.2 21",
		"raw eth0 192.0.2.2 3101c8010001f0ea",
		"state",
		"stats",
	}},
}

func TestExecutorGolden(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			h := newHarness(t, sc.conf, sc.ifaces...)
			for _, s := range sc.steps {
				if strings.HasPrefix(s, "reload ") {
					h.log.lines = append(h.log.lines, "> reload")
					h.reload(strings.TrimPrefix(s, "reload "))
					continue
				}
				h.run(s)
			}
			got := strings.Join(h.log.lines, "\n") + "\n"
			golden := filepath.Join("testdata", "executor", sc.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("call log differs from %s (rerun with -update and review):\n%s", golden, got)
			}
		})
	}
}
