package metrics

import (
	"fmt"
	"slices"
	"strings"
)

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -linecomment -type=Type -output=type_string.go

// Type is a family's TYPE line: what Prometheus may compute over it
// (rate() only over counters).
type Type uint8

const (
	CounterType   Type = iota // counter
	GaugeType                 // gauge
	HistogramType             // histogram
	SummaryType               // summary
)

// Desc is one metric family: its name, help, type and label names, fixed
// when the subsystem builds its collector. Samples carry the label
// values in the order the names were given.
type Desc struct {
	name, help string
	typ        Type
	labels     []string
	// order is labels' indices sorted by name: the order the page
	// writes them in, and the order series are sorted by.
	order []int
}

func newDesc(name, help string, typ Type, labels []string) *Desc {
	order := make([]int, len(labels))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(labels[a], labels[b]) })
	return &Desc{name: name, help: help, typ: typ, labels: labels, order: order}
}

// Counter describes a govrrpd counter family: name gets the govrrpd_
// prefix.
func Counter(name, help string, labels ...string) *Desc {
	return newDesc("govrrpd_"+name, help, CounterType, labels)
}

// Gauge describes a govrrpd gauge family: name gets the govrrpd_ prefix.
func Gauge(name, help string, labels ...string) *Desc {
	return newDesc("govrrpd_"+name, help, GaugeType, labels)
}

// Name is the family's full name, as the page shows it.
func (d *Desc) Name() string { return d.name }

// Type is the family's type.
func (d *Desc) Type() Type { return d.typ }

// Help is the family's HELP text, unescaped.
func (d *Desc) Help() string { return d.help }

// Labels are the family's label names, in the order samples give their
// values.
func (d *Desc) Labels() []string { return slices.Clone(d.labels) }

// check refuses what the text format cannot carry: a name or label name
// outside Prometheus's legacy character set, a label the type reserves
// (le, quantile), a label named twice.
func (d *Desc) check() error {
	if !validName(d.name, true) {
		return fmt.Errorf("metric %q: not a valid metric name", d.name)
	}
	for i, l := range d.labels {
		switch {
		case !validName(l, false) || strings.HasPrefix(l, "__"):
			return fmt.Errorf("metric %s: label %q: not a valid label name", d.name, l)
		case l == "le" && d.typ == HistogramType, l == "quantile" && d.typ == SummaryType:
			return fmt.Errorf("metric %s: label %q is the %s's own", d.name, l, d.typ)
		case slices.Contains(d.labels[:i], l):
			return fmt.Errorf("metric %s: label %q twice", d.name, l)
		}
	}
	return nil
}

// validName: [a-zA-Z_:][a-zA-Z0-9_:]* for metric names, without the
// colons for label names.
func validName(s string, colon bool) bool {
	if s == "" {
		return false
	}
	for i, c := range []byte(s) {
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' || colon && c == ':'
		if !ok {
			return false
		}
	}
	return true
}
