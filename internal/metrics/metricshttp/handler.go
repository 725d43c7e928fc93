package metricshttp

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/govrrpd/govrrpd/internal/metrics"
)

// Handler serves m's page at /metrics.
func Handler(m *metrics.Metrics) http.Handler {
	return Page(func(_ context.Context, open func() io.Writer) error { return m.WriteTextLazy(open) })
}

// Page serves /metrics: the text format write produces, gzipped when the
// client accepts it. write calls open only once the page can be written:
// a subsystem whose state cannot be read fails the scrape (HTTP 500
// naming it), not zeros. Prometheus asks for OpenMetrics or protobuf first
// and takes the text format the answer names. govrrpd-ops serves the page
// the daemon renders (internal/opsproc) through it.
func Page(write func(ctx context.Context, open func() io.Writer) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Vary", "Accept-Encoding")
		var zw *gzip.Writer
		started := false
		err := write(r.Context(), func() io.Writer {
			started = true
			h.Set("Content-Type", metrics.ContentType)
			if !acceptsGzip(r.Header.Values("Accept-Encoding")) {
				return w
			}
			h.Set("Content-Encoding", "gzip")
			zw = gzip.NewWriter(w)
			return zw
		})
		if zw != nil {
			zw.Close()
		}
		if started || err == nil {
			return // a client gone away mid-page is no error of ours
		}
		http.Error(w, "An error has occurred while serving metrics:\n\n"+err.Error(), http.StatusInternalServerError)
	})
}

// acceptsGzip reads Accept-Encoding: gzip (or *) named with a q above 0.
func acceptsGzip(values []string) bool {
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding != "gzip" && coding != "*" {
				continue
			}
			q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
			if !ok {
				return true
			}
			if f, err := strconv.ParseFloat(q, 64); err == nil && f > 0 {
				return true
			}
		}
	}
	return false
}
