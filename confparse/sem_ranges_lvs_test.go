package confparse

import (
	"fmt"
	"testing"
	"time"
)

// vsHead is a virtual server with everything keepalived warns about when
// missing, so that a message comes from the keyword under test alone.
const vsHead = "virtual_server 192.0.2.10 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"

func inVS(line string) string {
	return vsHead + " " + line + "\n real_server 192.0.2.20 80 {\n }\n}\n"
}

func inRS(line string) string {
	return vsHead + " real_server 192.0.2.20 80 {\n  " + line + "\n }\n}\n"
}

// inVSHeavy is inVS with real servers heavy enough for any quorum, so
// that keepalived's end-of-block quorum check stays quiet; inRSPlus is
// inRS with a second real server of weight 1 for the same reason.
func inVSHeavy(line string) string {
	rs := " real_server 192.0.2.%d 80 {\n  weight 2147483647\n }\n"
	return vsHead + " " + line + "\n" + fmt.Sprintf(rs, 20) + fmt.Sprintf(rs, 21) + fmt.Sprintf(rs, 22) + "}\n"
}

func inRSPlus(line string) string {
	return vsHead + " real_server 192.0.2.20 80 {\n  " + line + "\n }\n real_server 192.0.2.21 80 {\n }\n}\n"
}

// Hysteresis, below the quorum by keepalived's end-of-block check, is in
// sem_lvs_vs_test.go.
func TestVirtualServerIntRanges(t *testing.T) {
	vsInt := func(key string, lo, hi int, wrap func(string) string, get func(*Config) int) intRange {
		return intCase(t, key, lo, hi, wrap, get)
	}
	checkIntRanges(t, []intRange{
		vsInt("retry", 1, kaUintMax, inVS, func(c *Config) int { return c.VirtualServers[0].Retry }),
		vsInt("weight", 1, lvsMaxInt, inVS, func(c *Config) int { return c.VirtualServers[0].Weight }),
		vsInt("quorum", 1, kaUintMax, inVSHeavy, func(c *Config) int { return c.VirtualServers[0].Quorum }),
		{"persistence_timeout", 1, lvsMaxPersis, 0,
			func(c *Config) int { return int(c.VirtualServers[0].Persistence / time.Second) }, inVS},
		{"weight", 0, lvsMaxInt, defaultOf(t, inRSPlus, func(c *Config) int { return c.VirtualServers[0].Reals[0].Weight }),
			func(c *Config) int { return c.VirtualServers[0].Reals[0].Weight }, inRSPlus},
	})
}

// longTimerCase is timerCase for the timers keepalived keeps in an
// unsigned long (delay_loop, delay_before_retry, warmup).
func longTimerCase(t *testing.T, key string, lo time.Duration, wrap func(string) string, get func(*Config) time.Duration) durRange {
	r := timerCase(t, key, lo, wrap, get)
	r.hi = lvsMaxLongTimer
	return r
}

func TestVirtualServerTimerRanges(t *testing.T) {
	vsTimer := func(key string, lo time.Duration, get func(*Config) time.Duration) durRange {
		return timerCase(t, key, lo, inVS, get)
	}
	checkDurRanges(t, []durRange{
		longTimerCase(t, "delay_loop", lvsMinTimer, inVS, func(c *Config) time.Duration { return c.VirtualServers[0].DelayLoop }),
		vsTimer("connect_timeout", lvsMinTimer, func(c *Config) time.Duration { return c.VirtualServers[0].ConnectTimeout }),
		longTimerCase(t, "delay_before_retry", 0, inVS, func(c *Config) time.Duration { return c.VirtualServers[0].DelayBeforeRetry }),
		longTimerCase(t, "warmup", 0, inVS, func(c *Config) time.Duration { return c.VirtualServers[0].Warmup }),
		{"delay_loop", lvsMinTimer, lvsMaxLongTimer, 0,
			func(c *Config) time.Duration { return c.VirtualServers[0].Reals[0].Options().DelayLoop }, inRS},
		{"connect_timeout", lvsMinTimer, lvsMaxTimer, 0,
			func(c *Config) time.Duration { return c.VirtualServers[0].Reals[0].Options().ConnectTimeout }, inRS},
	})
}

// A bare persistence_timeout is IPVS's six minutes, as in ipvsadm.
func TestPersistenceTimeoutBare(t *testing.T) {
	cfg, diags := loadText(t, inVS("persistence_timeout"))
	if got := cfg.VirtualServers[0].Persistence; got != 360*time.Second || diags.HasErrors() {
		t.Errorf("bare persistence_timeout: %v, messages:\n%s", got, diags)
	}
}
