package metrics

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Collector is a subsystem's metrics: the families it may emit, fixed at
// registration, and their samples, read from its state at each scrape.
type Collector interface {
	Describe() []*Desc
	Collect(*Sink)
}

// ErrDuplicate is a family two collectors both describe.
var ErrDuplicate = errors.New("metric registered twice")

// Metrics is the daemon's registry. A nil *Metrics is valid: it is what
// subsystems get when no listener serves /metrics, and registering on it
// does nothing.
type Metrics struct {
	mu sync.Mutex
	// subs are each subsystem's collectors, by the name it registered
	// them under, so that a second registration replaces the first;
	// order is the names in registration order.
	subs  map[string][]Collector
	order []string
	// descs are every registered family by name, the process's
	// included, for the clash check.
	descs map[string]*Desc
	// scrape is what scrapes reuse; they take turns for it.
	scrape sync.Mutex
	sink   Sink
	fams   []family
	by     map[*Desc]int // index in fams; nil after a registration
	buf    *bufio.Writer
	hint   [2]int // samples and label values of a large scrape before
}

// New returns the registry with build info and the Go runtime's and the
// process's series; the subsystems add their collectors with Register.
func New(version string) *Metrics {
	m := &Metrics{subs: map[string][]Collector{}, descs: map[string]*Desc{}}
	err := m.register(ownName, buildInfo{version}, goCollector{}, processCollector{})
	if err != nil {
		panic(err) // the package's own families: a test fails first
	}
	return m
}

// Register puts subsystem name's collectors on the registry in place of
// whatever name registered before. A subsystem that starts again — the
// LVS side when a reload brings the first virtual_server, a test's second
// daemon — replaces its collectors instead of colliding with them.
// Collectors that describe a family another subsystem has, or a family
// the text format cannot carry, are refused, and name keeps none.
func (m *Metrics) Register(name string, cs ...Collector) error {
	if m == nil {
		return nil
	}
	if name == ownName {
		return fmt.Errorf("metrics %s: the name is the process's own", name)
	}
	return m.register(name, cs...)
}

// ownName is what the process's own series are registered under; no
// subsystem may replace them.
const ownName = "process"

func (m *Metrics) register(name string, cs ...Collector) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.subs[name] {
		for _, d := range c.Describe() {
			delete(m.descs, d.name)
		}
	}
	delete(m.subs, name)
	m.order = slices.DeleteFunc(m.order, func(s string) bool { return s == name })
	m.by = nil
	added := map[string]*Desc{}
	for _, c := range cs {
		for _, d := range c.Describe() {
			if err := d.check(); err != nil {
				return fmt.Errorf("metrics %s: %w", name, err)
			}
			if m.descs[d.name] != nil || added[d.name] != nil {
				return fmt.Errorf("metrics %s: %s: %w", name, d.name, ErrDuplicate)
			}
			added[d.name] = d
		}
	}
	for n, d := range added {
		m.descs[n] = d
	}
	m.subs[name] = cs
	m.order = append(m.order, name)
	return nil
}

// WriteText is one scrape: every collector's samples, checked, then
// written to w in the text format. A collector's error fails the scrape
// before anything is written.
func (m *Metrics) WriteText(w io.Writer) error {
	return m.WriteTextLazy(func() io.Writer { return w })
}

// WriteTextLazy is WriteText to the writer open returns once the scrape
// has succeeded: the HTTP handler (metricshttp) sets its headers then.
func (m *Metrics) WriteTextLazy(open func() io.Writer) error {
	m.scrape.Lock()
	defer m.scrape.Unlock()
	fams, err := m.gather()
	if err != nil {
		return err
	}
	w := open()
	if m.buf == nil {
		m.buf = bufio.NewWriterSize(w, 32<<10)
	} else {
		m.buf.Reset(w)
	}
	t := textWriter{w: m.buf}
	for _, f := range fams {
		t.family(&m.sink, f)
	}
	err = m.buf.Flush()
	m.buf.Reset(nil)
	m.release()
	if err != nil {
		return fmt.Errorf("metrics: writing the page: %w", err)
	}
	return nil
}

// gather runs every collector into m.sink and arranges the families; the
// caller holds m.scrape.
func (m *Metrics) gather() ([]*family, error) {
	m.mu.Lock()
	var cs []Collector
	for _, n := range m.order {
		cs = append(cs, m.subs[n]...)
	}
	if m.by == nil {
		m.by, m.fams = map[*Desc]int{}, m.fams[:0]
		for _, d := range m.descs {
			m.by[d] = len(m.fams)
			m.fams = append(m.fams, family{d: d})
		}
	}
	by, fams := m.by, m.fams
	m.mu.Unlock()
	m.sink.reset()
	if cap(m.sink.samples) == 0 && m.hint[0] > 0 {
		m.sink.samples = make([]sample, 0, m.hint[0]+m.hint[0]/8)
		m.sink.labels = make([]string, 0, m.hint[1]+m.hint[1]/8)
	}
	for _, c := range cs {
		c.Collect(&m.sink)
	}
	out := m.sink.arrange(fams, by)
	if err := m.sink.err(); err != nil {
		m.release()
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return out, nil
}

// keepSamples is the most samples whose buffers a registry keeps between
// scrapes (about 400 VRRP instances' worth, some 400 kB): a daemon with
// thousands of instances makes its few megabytes per scrape and lets
// them go, rather than hold them resident between scrapes that come
// every 15 s.
const keepSamples = 8192

// release empties the scrape's buffers, and lets them go when they are
// large; the caller holds m.scrape.
func (m *Metrics) release() {
	if cap(m.sink.samples) <= keepSamples {
		m.sink.reset()
		return
	}
	// The next scrape makes its buffers at this one's size at once: the
	// garbage of growing them by appends would be twice as much.
	m.hint = [2]int{len(m.sink.samples), len(m.sink.labels)}
	m.sink = Sink{}
	for i := range m.fams {
		m.fams[i].idx = nil
	}
}

// buildInfo is govrrpd_build_info.
type buildInfo struct{ version string }

var buildInfoDesc = Gauge("build_info", "Build information; always 1.", "version", "goversion")

func (buildInfo) Describe() []*Desc { return []*Desc{buildInfoDesc} }
func (b buildInfo) Collect(s *Sink) { s.Emit(buildInfoDesc, 1, b.version, runtime.Version()) }

// Descs are the registered families, sorted by name: what the lint in
// metricstest reads.
func (m *Metrics) Descs() []*Desc {
	m.mu.Lock()
	defer m.mu.Unlock()
	ds := slices.Collect(maps.Values(m.descs))
	slices.SortFunc(ds, func(a, b *Desc) int { return strings.Compare(a.name, b.name) })
	return ds
}
