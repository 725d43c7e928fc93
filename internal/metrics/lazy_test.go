package metrics

import "testing"

// families are the metric names reg holds now.
func families(t *testing.T, m *Metrics) map[string]bool {
	t.Helper()
	fs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range fs {
		names[f.GetName()] = true
	}
	return names
}

// TestProcessCollectorsOnFirstScrape: a registry that is never scraped
// never builds the Go runtime and process collectors; the first scrape
// through either Gather or Handler has them.
func TestProcessCollectorsOnFirstScrape(t *testing.T) {
	m := New("test")
	if fs := families(t, m); fs["go_goroutines"] || fs["govrrpd_build_info"] {
		t.Fatalf("built before a scrape: %v", fs)
	}
	if _, err := m.Gather(); err != nil {
		t.Fatal(err)
	}
	fs := families(t, m)
	for _, want := range []string{"go_goroutines", "process_start_time_seconds", "govrrpd_build_info"} {
		if !fs[want] {
			t.Errorf("no %s after the first scrape", want)
		}
	}
	if _, err := m.Gather(); err != nil {
		t.Fatalf("second scrape: %v", err)
	}
}
