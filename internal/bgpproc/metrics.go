package bgpproc

import (
	"context"
	"time"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/status"
)

// bgpStates are RFC 4271's session states; the state gauge has one series
// per state so that alerts can match state="ESTABLISHED" == 0.
var bgpStates = []string{"IDLE", "CONNECT", "ACTIVE", "OPENSENT", "OPENCONFIRM", "ESTABLISHED"}

// RegisterMetrics puts the govrrpd_bgp_* collector on m, over src; Start
// registers it over the helper's Status. A daemon without --bgp-config
// starts no speaker and has no govrrpd_bgp_* series.
func RegisterMetrics(m *metrics.Metrics, src func(context.Context) (status.BGP, error)) error {
	return m.Register("bgp", newBGPCollector(src))
}

// bgpCollector exports the --bgp-config side.
type bgpCollector struct {
	src                            func(context.Context) (status.BGP, error)
	state, uptime, sent, received  *metrics.Desc
	announced, condition, holdTime *metrics.Desc
	helperUp                       *metrics.Desc
}

func newBGPCollector(src func(context.Context) (status.BGP, error)) *bgpCollector {
	return &bgpCollector{src: src,
		state:     metrics.Gauge("bgp_session_state", "1 for the state the BGP session is in, 0 for the others.", "neighbor", "state"),
		uptime:    metrics.Gauge("bgp_session_uptime_seconds", "Seconds since the session was established; 0 while it is not.", "neighbor"),
		holdTime:  metrics.Gauge("bgp_session_hold_time_seconds", "Negotiated hold time; 0 while the session is not established.", "neighbor"),
		sent:      metrics.Gauge("bgp_prefixes_sent", "Prefixes announced to the neighbour (its Adj-RIB-Out).", "neighbor"),
		received:  metrics.Gauge("bgp_prefixes_received", "Prefixes received from the neighbour.", "neighbor"),
		announced: metrics.Gauge("bgp_announced", "1 while the prefix is announced, 0 while withdrawn.", "prefix"),
		condition: metrics.Gauge("bgp_condition", "1 while the announcement's condition holds.", "prefix", "condition"),
		helperUp: metrics.Gauge("bgp_helper_up", "1 while the BGP helper process (govrrpd-bgp) runs the settings; "+
			"0 while it is restarted, its announcements gone."),
	}
}

func (c *bgpCollector) Describe() []*metrics.Desc {
	return []*metrics.Desc{c.state, c.uptime, c.holdTime, c.sent, c.received, c.announced, c.condition, c.helperUp}
}

// Collect reports what Status could read: a helper that is down shows
// bgp_helper_up 0 and its announcements withdrawn, and sessions GoBGP could not list are left out while the
// announcements still show (the API's BGP part does the same).
func (c *bgpCollector) Collect(s *metrics.Sink) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, _ := c.src(ctx)
	s.Emit(c.helperUp, metrics.Bool(st.Down == ""))
	for _, n := range st.Neighbors {
		for _, state := range bgpStates {
			s.Emit(c.state, metrics.Bool(n.State == state), n.Addr, state)
		}
		s.Emit(c.uptime, time.Duration(n.Uptime).Seconds(), n.Addr)
		s.Emit(c.holdTime, time.Duration(n.HoldTime).Seconds(), n.Addr)
		s.Emit(c.sent, float64(n.PrefixesSent), n.Addr)
		s.Emit(c.received, float64(n.PrefixesReceived), n.Addr)
	}
	for _, a := range st.Announcements {
		s.Emit(c.announced, metrics.Bool(a.Announced), a.Prefix)
		for _, k := range a.Conditions {
			s.Emit(c.condition, metrics.Bool(k.Holds), a.Prefix, k.Condition)
		}
	}
}
