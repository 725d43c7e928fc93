package metrics

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Sink takes one scrape's samples from the collectors. The registry
// reuses it from scrape to scrape, so that a steady daemon's scrape
// allocates little: label values go to one shared slice, not a slice
// per sample.
type Sink struct {
	samples []sample
	labels  []string
	errs    []error
}

// sample is one series: a value, or a histogram's or summary's
// distribution.
type sample struct {
	d     *Desc
	lab   int // the first of its len(d.labels) values in Sink.labels
	value float64
	dist  *distribution
}

// distribution is a histogram's cumulative buckets (bounds are the upper
// bounds, +Inf left out) or a summary's quantiles (bounds are the
// quantiles).
type distribution struct {
	bounds, values []float64
	count          uint64
	sum            float64
}

// Emit adds one sample of a counter or gauge. A label/value mismatch is a
// programming error the tests catch; it fails the scrape instead of
// panicking the daemon.
func (s *Sink) Emit(d *Desc, v float64, labels ...string) {
	s.add(d, v, nil, labels)
}

// Fail reports that d's state could not be read: the scrape fails
// (HTTP 500) rather than show zeros.
func (s *Sink) Fail(d *Desc, err error) {
	s.errs = append(s.errs, fmt.Errorf("metric %s: %w", d.name, err))
}

func (s *Sink) add(d *Desc, v float64, dist *distribution, labels []string) {
	if len(labels) != len(d.labels) {
		s.errs = append(s.errs, fmt.Errorf("metric %s: %d label values (%s) for the labels %s",
			d.name, len(labels), strings.Join(labels, ", "), strings.Join(d.labels, ", ")))
		return
	}
	s.samples = append(s.samples, sample{d: d, lab: len(s.labels), value: v, dist: dist})
	s.labels = append(s.labels, labels...)
}

func (s *Sink) reset() {
	clear(s.samples) // let go of the distributions
	clear(s.labels)  // and of the label strings
	s.samples, s.labels, s.errs = s.samples[:0], s.labels[:0], nil
}

// value is sample i's label value for d.labels[k].
func (s *Sink) value(i int32, k int) string { return s.labels[s.samples[i].lab+k] }

// family is one registered Desc's samples in a scrape, sorted.
type family struct {
	d   *Desc
	idx []int32
}

// arrange puts the samples in families (by is where each registered Desc
// has its family), sorts each family's series by their label values
// taken in the order of the label names, as client_golang does, and
// returns the families that have samples, sorted by name. A sample of
// an undescribed Desc, a series twice and a label value that is not
// UTF-8 are errors.
func (s *Sink) arrange(fams []family, by map[*Desc]int) []*family {
	for i := range fams {
		fams[i].idx = fams[i].idx[:0]
	}
	for i, smp := range s.samples {
		f, ok := by[smp.d]
		if !ok {
			s.errs = append(s.errs, fmt.Errorf("metric %s: collected but not described by its collector", smp.d.name))
			continue
		}
		fams[f].idx = append(fams[f].idx, int32(i))
	}
	var out []*family
	for i := range fams {
		f := &fams[i]
		if len(f.idx) == 0 {
			continue
		}
		cmp := func(a, b int32) int {
			for _, k := range f.d.order {
				if c := strings.Compare(s.value(a, k), s.value(b, k)); c != 0 {
					return c
				}
			}
			return 0
		}
		if !slices.IsSortedFunc(f.idx, cmp) {
			slices.SortStableFunc(f.idx, cmp)
		}
		s.check(f, cmp)
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *family) int { return strings.Compare(a.d.name, b.d.name) })
	return out
}

// check records f's series that repeat one before them or carry a label
// value the format cannot.
func (s *Sink) check(f *family, cmp func(a, b int32) int) {
	for j, i := range f.idx {
		if j > 0 && cmp(f.idx[j-1], i) == 0 {
			s.errs = append(s.errs, fmt.Errorf("metric %s{%s}: collected twice", f.d.name, s.labelText(i)))
		}
		for k := range f.d.labels {
			if !utf8.ValidString(s.value(i, k)) {
				s.errs = append(s.errs, fmt.Errorf("metric %s: label %s: value %q is not UTF-8", f.d.name, f.d.labels[k], s.value(i, k)))
			}
		}
	}
}

// labelText is sample i's labels as the page writes them, for errors.
func (s *Sink) labelText(i int32) string {
	var b strings.Builder
	w := textWriter{w: &b}
	w.labels(s, i, "", 0)
	return strings.Trim(b.String(), "{}")
}

// err is the scrape's error: every one, joined.
func (s *Sink) err() error { return errors.Join(s.errs...) }
