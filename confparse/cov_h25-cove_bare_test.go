package confparse

import "testing"

// A bfd_instance value keyword written bare stops keepalived 2.2.7 -t with
// exit status 2 ("missing a parameter"), as measured for each of them.
func TestBareBFDKeywordStops(t *testing.T) {
	stop := func(k string) want {
		return stopAt(3, "line starting `"+k+"` is missing a parameter after keyword `"+k+"`")
	}
	runSemRows(t, []semRow{
		{"bfd source_ip", bfdBlock("b", "neighbor_ip 192.0.2.2\nsource_ip\n"),
			bfd0(func(b BFDInstance) bool { return !b.Settings.Source.IsValid() }), []want{stop("source_ip")}},
		{"bfd min_rx", bfdBlock("b", "neighbor_ip 192.0.2.2\nmin_rx\n"),
			bfd0(func(b BFDInstance) bool { return b.MinRx > 0 }), []want{stop("min_rx")}},
		{"bfd hoplimit", bfdBlock("b", "neighbor_ip 192.0.2.2\nhoplimit\n"),
			bfd0(func(b BFDInstance) bool { return b.TTL == 255 }), []want{stop("hoplimit")}},
		{"bfd_instance without a name", "bfd_instance {\nneighbor_ip 192.0.2.2\n}\n",
			func(c *Config) bool { return len(c.BFDs) == 0 }, []want{warnAt(1, "'bfd_instance' needs a value")}},
	})
}
