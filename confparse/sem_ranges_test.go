package confparse

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// intRange is an integer keyword with its accepted range, its default and
// where the value lands; wrap places the keyword line in a configuration.
type intRange struct {
	key    string
	lo, hi int
	def    int
	get    func(*Config) int
	wrap   func(line string) string
}

// checkIntRanges loads each keyword at its bounds (kept, no message), just
// outside them and as a non-number (default kept, a message naming the
// keyword and the value).
func checkIntRanges(t *testing.T, cases []intRange) {
	t.Helper()
	for _, c := range cases {
		for _, v := range []int{c.lo, c.hi} {
			cfg, diags := loadText(t, c.wrap(fmt.Sprintf("%s %d", c.key, v)))
			if got := c.get(cfg); got != v || diags.HasErrors() {
				t.Errorf("%s %d: got %d, messages:\n%s", c.key, v, got, diags)
			}
		}
		for _, bad := range []string{strconv.Itoa(c.lo - 1), strconv.Itoa(c.hi + 1), "x1"} {
			cfg, diags := loadText(t, c.wrap(c.key+" "+bad))
			if got := c.get(cfg); got != c.def {
				t.Errorf("%s %s: got %d, want the default %d", c.key, bad, got, c.def)
			}
			if !strings.Contains(diags.String(), "'"+bad+"'") {
				t.Errorf("%s %s: no message naming the value:\n%s", c.key, bad, diags)
			}
		}
	}
}

// durRange is checkIntRanges for TIMER keywords (seconds with a fraction).
type durRange struct {
	key    string
	lo, hi time.Duration
	def    time.Duration
	get    func(*Config) time.Duration
	wrap   func(line string) string
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) }

func checkDurRanges(t *testing.T, cases []durRange) {
	t.Helper()
	for _, c := range cases {
		for _, v := range []time.Duration{c.lo, c.hi} {
			cfg, diags := loadText(t, c.wrap(c.key+" "+secs(v)))
			if got := c.get(cfg); got != v || diags.HasErrors() {
				t.Errorf("%s %s: got %v, messages:\n%s", c.key, secs(v), got, diags)
			}
		}
		bads := []string{secs(c.hi + time.Second), "x"}
		if c.lo > 0 {
			bads = append(bads, "0")
		}
		for _, bad := range bads {
			cfg, diags := loadText(t, c.wrap(c.key+" "+bad))
			if got := c.get(cfg); got != c.def {
				t.Errorf("%s %s: got %v, want the default %v", c.key, bad, got, c.def)
			}
			if !diags.HasErrors() {
				t.Errorf("%s %s: accepted without a message", c.key, bad)
			}
		}
	}
}

// intCase and timerCase take the default from a load without the keyword.
func intCase(t *testing.T, key string, lo, hi int, wrap func(string) string, get func(*Config) int) intRange {
	return intRange{key, lo, hi, defaultOf(t, wrap, get), get, wrap}
}

func timerCase(t *testing.T, key string, lo time.Duration, wrap func(string) string, get func(*Config) time.Duration) durRange {
	return durRange{key, lo, lvsMaxTimer, defaultOf(t, wrap, get), get, wrap}
}

// defaultOf is what a keyword's field holds when the keyword is absent.
func defaultOf[T any](t *testing.T, wrap func(string) string, get func(*Config) T) T {
	t.Helper()
	cfg, _ := loadText(t, wrap(""))
	return get(cfg)
}

func inGlobal(line string) string { return "global_defs {\n " + line + "\n}\n" }

func inInstance(line string) string { return inst(line) }

// The GARP delays and repeats follow keepalived's own ranges (#15 item
// 10); their tests are beside that change.
func TestGlobalIntRanges(t *testing.T) {
	checkIntRanges(t, []intRange{
		{"vrrp_version", 2, 3, 2, func(c *Config) int { return c.VRRP.Version }, inGlobal},
		{"vrrp_down_timer_adverts", 1, 100, 3, func(c *Config) int { return c.VRRP.DownTimerAdverts }, inGlobal},
	})
}

func TestGlobalTimerRanges(t *testing.T) {
	checkDurRanges(t, []durRange{
		{"vrrp_garp_interval", time.Microsecond, 4294967295 * time.Microsecond, 0,
			func(c *Config) time.Duration { return c.VRRP.GARPInterval }, inGlobal},
		{"vrrp_gna_interval", time.Microsecond, 4294967295 * time.Microsecond, 0,
			func(c *Config) time.Duration { return c.VRRP.GNAInterval }, inGlobal},
	})
}

func TestInstanceIntRanges(t *testing.T) {
	checkIntRanges(t, []intRange{
		{"down_timer_adverts", 1, 100, 3, func(c *Config) int { return int(c.Instances[0].DownTimerAdverts) }, inInstance},
	})
}

func TestInstanceTimerRanges(t *testing.T) {
	checkDurRanges(t, []durRange{
		{"preempt_delay", 0, 1000 * time.Second, 0,
			func(c *Config) time.Duration { return c.Instances[0].Options().PreemptDelay }, inInstance},
	})
}

// virtual_router_id and priority have keepalived's own messages, and an
// invalid priority falls back to 100.
func TestInstanceVRIDAndPriority(t *testing.T) {
	cases := []struct {
		body string
		ok   func(*Config) bool
		msg  string
	}{
		{"virtual_router_id 1", func(c *Config) bool { return c.Instances[0].VRID == 1 }, ""},
		{"virtual_router_id 255", func(c *Config) bool { return c.Instances[0].VRID == 255 }, ""},
		{"virtual_router_id 0", func(c *Config) bool { return true }, "VRID not valid - must be between 1 & 255"},
		{"virtual_router_id 256", func(c *Config) bool { return true }, "VRID not valid - must be between 1 & 255"},
		{"priority 1", func(c *Config) bool { return c.Instances[0].Priority == 1 }, ""},
		{"priority 0", func(c *Config) bool { return c.Instances[0].Priority == 100 }, "Priority not valid! must be between 1 & 255. Using default 100"},
		{"priority x", func(c *Config) bool { return c.Instances[0].Priority == 100 }, "Priority not valid!"},
		{"advert_int 0", func(c *Config) bool { return c.Instances[0].AdvertInt == time.Second }, "Advert interval (0) not valid! Must be > 0 - ignoring"},
		{"advert_int 255", func(c *Config) bool { return c.Instances[0].AdvertInt == 255*time.Second }, ""},
		{"preempt_delay 1001", func(c *Config) bool { return c.Instances[0].Options().PreemptDelay == 0 }, "Preempt_delay not valid! must be between 0-1000"},
		{"version 4", func(c *Config) bool { return c.Instances[0].Version == 2 }, "outside range [2, 3]"},
		{"mcast_dst_ip 192.0.2.9", func(c *Config) bool { return !c.Instances[0].Options().McastDst.IsValid() }, "is not a multicast address - ignoring"},
		{"mcast_dst_ip 224.0.0.19", func(c *Config) bool { return c.Instances[0].Options().McastDst.String() == "224.0.0.19" }, ""},
	}
	for _, c := range cases {
		cfg, diags := loadText(t, inst(c.body))
		if len(cfg.Instances) == 0 {
			if c.msg == "" || !strings.Contains(diags.String(), c.msg) {
				t.Errorf("%q: instance dropped:\n%s", c.body, diags)
			}
			continue
		}
		if !c.ok(cfg) {
			t.Errorf("%q: wrong value: %+v", c.body, cfg.Instances[0])
		}
		if c.msg == "" && diags.HasErrors() || c.msg != "" && !strings.Contains(diags.String(), c.msg) {
			t.Errorf("%q: messages, want %q:\n%s", c.body, c.msg, diags)
		}
	}
}

// TestUnicastTTLWarned: unicast_ttl reads 0..255 as keepalived does, but
// govrrpd sends unicast adverts with TTL 255 whatever it says, so any
// other value is warned about rather than kept silently.
func TestUnicastTTLWarned(t *testing.T) {
	for _, r := range []struct {
		v    string
		want uint8
		msg  string
	}{
		{"255", 255, ""},
		{"0", 0, "'unicast_ttl 0' is not supported by govrrpd yet"},
		{"64", 64, "'unicast_ttl 64' is not supported by govrrpd yet"},
		{"256", 255, "'256'"},
	} {
		cfg, diags := loadText(t, inInstance("unicast_ttl "+r.v))
		if got := cfg.Instances[0].UnicastTTL; got != r.want {
			t.Errorf("unicast_ttl %s: got %d, want %d", r.v, got, r.want)
		}
		if r.msg == "" && len(diags) != 0 || r.msg != "" && !strings.Contains(diags.String(), r.msg) {
			t.Errorf("unicast_ttl %s: messages\n%s\nwant %q", r.v, diags, r.msg)
		}
	}
}
