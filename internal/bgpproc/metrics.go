package bgpproc

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

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
	state, uptime, sent, received  *prometheus.Desc
	announced, condition, holdTime *prometheus.Desc
	helperUp                       *prometheus.Desc
}

func newBGPCollector(src func(context.Context) (status.BGP, error)) *bgpCollector {
	return &bgpCollector{src: src,
		state:     metrics.Desc("bgp_session_state", "1 for the state the BGP session is in, 0 for the others.", "neighbor", "state"),
		uptime:    metrics.Desc("bgp_session_uptime_seconds", "Seconds since the session was established; 0 while it is not.", "neighbor"),
		holdTime:  metrics.Desc("bgp_session_hold_time_seconds", "Negotiated hold time; 0 while the session is not established.", "neighbor"),
		sent:      metrics.Desc("bgp_prefixes_sent", "Prefixes announced to the neighbour (its Adj-RIB-Out).", "neighbor"),
		received:  metrics.Desc("bgp_prefixes_received", "Prefixes received from the neighbour.", "neighbor"),
		announced: metrics.Desc("bgp_announced", "1 while the prefix is announced, 0 while withdrawn.", "prefix"),
		condition: metrics.Desc("bgp_condition", "1 while the announcement's condition holds.", "prefix", "condition"),
		helperUp: metrics.Desc("bgp_helper_up", "1 while the BGP helper process (govrrpd-bgp) runs the settings; "+
			"0 while it is restarted, its announcements gone."),
	}
}

func (c *bgpCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.state, c.uptime, c.holdTime, c.sent, c.received, c.announced, c.condition, c.helperUp} {
		ch <- d
	}
}

// Collect reports what Status could read: a helper that is down shows
// bgp_helper_up 0 and its announcements withdrawn, and sessions GoBGP could not list are left out while the
// announcements still show (the API's BGP part does the same).
func (c *bgpCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, _ := c.src(ctx)
	G := prometheus.GaugeValue
	metrics.Emit(ch, c.helperUp, G, metrics.Bool(st.Down == ""))
	for _, n := range st.Neighbors {
		for _, s := range bgpStates {
			metrics.Emit(ch, c.state, G, metrics.Bool(n.State == s), n.Addr, s)
		}
		metrics.Emit(ch, c.uptime, G, time.Duration(n.Uptime).Seconds(), n.Addr)
		metrics.Emit(ch, c.holdTime, G, time.Duration(n.HoldTime).Seconds(), n.Addr)
		metrics.Emit(ch, c.sent, G, float64(n.PrefixesSent), n.Addr)
		metrics.Emit(ch, c.received, G, float64(n.PrefixesReceived), n.Addr)
	}
	for _, a := range st.Announcements {
		metrics.Emit(ch, c.announced, G, metrics.Bool(a.Announced), a.Prefix)
		for _, k := range a.Conditions {
			metrics.Emit(ch, c.condition, G, metrics.Bool(k.Holds), a.Prefix, k.Condition)
		}
	}
}
