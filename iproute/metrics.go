package iproute

import "fmt"

// Metrics are a route's RTAX_* values; zero means "not set".
type Metrics struct {
	MTU, AdvMSS, Window, RTT, RTTVar, Reordering, Cwnd, Ssthresh int
	InitCwnd, InitRwnd, RtoMin, Features, QuickACK, Hoplimit     int
	FastOpenNoCookie                                             int
	MTULock, RtoMinLock                                          bool
	Congctl                                                      string
}

// metricFields maps the numeric metric keywords to their field.
var metricFields = map[string]func(*Metrics) *int{
	"mtu": func(m *Metrics) *int { return &m.MTU }, "advmss": func(m *Metrics) *int { return &m.AdvMSS },
	"window": func(m *Metrics) *int { return &m.Window }, "cwnd": func(m *Metrics) *int { return &m.Cwnd },
	"reordering":         func(m *Metrics) *int { return &m.Reordering },
	"ssthresh":           func(m *Metrics) *int { return &m.Ssthresh },
	"initcwnd":           func(m *Metrics) *int { return &m.InitCwnd },
	"initrwnd":           func(m *Metrics) *int { return &m.InitRwnd },
	"quickack":           func(m *Metrics) *int { return &m.QuickACK },
	"hoplimit":           func(m *Metrics) *int { return &m.Hoplimit },
	"rtt":                func(m *Metrics) *int { return &m.RTT },
	"rttvar":             func(m *Metrics) *int { return &m.RTTVar },
	"rto_min":            func(m *Metrics) *int { return &m.RtoMin },
	"fastopen_no_cookie": func(m *Metrics) *int { return &m.FastOpenNoCookie },
}

// metric reads one RTAX metric if opt is one; `lock` pins the value against
// path-MTU discovery and friends, as in ip-route.
func (p *routeReader) metric(opt string) bool {
	m := &p.rt.Metrics
	switch opt {
	case "features":
		if v, ok := p.value(opt, Invalid); ok {
			if v != "ecn" {
				p.add(Unsupported, fmt.Sprintf("unknown route feature %s", v))
			}
			m.Features = RTAXFeatureECN
		}
		return true
	case "congctl":
		v, _ := p.value(opt, Invalid)
		if v == "lock" {
			v, _ = p.value(opt, Invalid)
		}
		m.Congctl = v
		return true
	}
	field, ok := metricFields[opt]
	if !ok {
		return false
	}
	v, ok := p.value(opt, Invalid)
	lock := v == "lock"
	if lock {
		v, ok = p.value(opt, Invalid)
	}
	if !ok {
		return true
	}
	n := 0
	if opt == "rtt" || opt == "rttvar" || opt == "rto_min" {
		n, ok = rttValue(opt, v)
	} else {
		n, ok = atoiIn(v, 0, 1<<32-1)
	}
	if !ok {
		p.add(Unsupported, fmt.Sprintf("invalid route %s %s", opt, v))
	}
	*field(m) = n
	switch opt {
	case "mtu":
		m.MTULock = lock
	case "rto_min":
		m.RtoMinLock = lock
	}
	return true
}
