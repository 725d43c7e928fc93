package main

import (
	"fmt"
	"strconv"
	"time"
)

// mode is one advert setting the benchmark compares the daemons under.
type mode struct {
	Name    string
	Version int
	Advert  time.Duration
	Runs    int
}

var allModes = []mode{
	{"v2 1s", 2, time.Second, 3},
	{"v3 100ms", 3, 100 * time.Millisecond, 5},
	{"v3 10ms", 3, 10 * time.Millisecond, 5},
}

// advertText is advert_int as keepalived.conf spells it (seconds).
func (m mode) advertText() string {
	return strconv.FormatFloat(m.Advert.Seconds(), 'f', -1, 64)
}

// Priorities: the master and the backup of every pair. The backup's
// priority sets the protocol bounds.
const (
	prioMaster = 150
	prioBackup = 100
)

// skew is RFC 5798's Skew_Time for prio at interval adv.
func skew(prio int, adv time.Duration) time.Duration {
	return time.Duration(256-prio) * adv / 256
}

// bound is the fastest the protocol allows the backup to take over: on a
// crash it must wait out Master_Down_Interval (measured from the last
// advert it heard, so a crash lands between bound-adv and bound); on a
// clean stop the priority-0 advert cuts that to Skew_Time.
func (m mode) bound(ev event) time.Duration {
	if ev == evTerm {
		return skew(prioBackup, m.Advert)
	}
	return 3*m.Advert + skew(prioBackup, m.Advert)
}

type event string

const (
	evKill event = "kill"
	evTerm event = "term"
)

// instanceConf is keepalived.conf for one router of a pair; both daemons
// read the same text.
func instanceConf(router string, vrid, prio int, vip string, m mode) string {
	return fmt.Sprintf(`global_defs {
    router_id %s
}
vrrp_instance VI_%d {
    state BACKUP
    interface eth0
    virtual_router_id %d
    priority %d
    advert_int %s
    version %d
    virtual_ipaddress {
        %s
    }
}
`, router, vrid, vrid, prio, m.advertText(), m.Version, vip)
}
