package console

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/govrrpd/govrrpd/internal/status"
)

// pageSize bounds every table, so a 4,000-instance daemon renders (and
// the script updates) one page of rows, not all of them.
const pageSize = 100

// pager is one page of a filtered list.
type pager struct {
	Query            string
	Page, Pages      int
	Total, Matching  int
	PrevURL, NextURL string
}

// paginate filters items with match(q) and cuts page p.
func paginate[T any](r *http.Request, path string, items []T, match func(T, string) bool) ([]T, pager) {
	q := strings.TrimSpace(r.FormValue("q"))
	var hits []T
	for _, it := range items {
		if q == "" || match(it, strings.ToLower(q)) {
			hits = append(hits, it)
		}
	}
	pg := pager{Query: q, Total: len(items), Matching: len(hits), Pages: max(1, (len(hits)+pageSize-1)/pageSize)}
	pg.Page, _ = strconv.Atoi(r.FormValue("page"))
	pg.Page = min(max(pg.Page, 1), pg.Pages)
	link := func(n int) string {
		return path + "?q=" + url.QueryEscape(q) + "&page=" + strconv.Itoa(n)
	}
	if pg.Page > 1 {
		pg.PrevURL = link(pg.Page - 1)
	}
	if pg.Page < pg.Pages {
		pg.NextURL = link(pg.Page + 1)
	}
	lo := (pg.Page - 1) * pageSize
	return hits[lo:min(lo+pageSize, len(hits))], pg
}

func matchInstance(in status.Instance, q string) bool {
	s := strings.ToLower(strings.Join(append([]string{in.Name, in.Interface, in.State, in.SyncGroup, in.MasterAddr}, in.VIPs...), " "))
	return strings.Contains(s, q)
}

func matchVS(vs status.VirtualServer, q string) bool {
	if strings.Contains(strings.ToLower(vs.Key), q) {
		return true
	}
	return slices.ContainsFunc(vs.Reals, func(r status.RealServer) bool { return strings.Contains(r.Key, q) })
}

// timeline merges what the event stream saw with each instance's last
// transition, newest first.
func (c *Console) timeline(d status.Daemon) []Transition {
	seen := map[string]bool{}
	var out []Transition
	for _, t := range c.hub.history() {
		seen[t.Instance+t.At.String()] = true
		out = append(out, t)
	}
	for _, in := range d.Instances {
		if !in.LastTransition.IsZero() && !seen[in.Name+in.LastTransition.String()] {
			out = append(out, Transition{At: in.LastTransition, Instance: in.Name, To: in.State, Reason: in.LastReason})
		}
	}
	slices.SortFunc(out, func(a, b Transition) int { return b.At.Compare(a.At) })
	return out[:min(len(out), 50)]
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request) {
	d, err := c.snapshot(r.Context())
	if err != nil {
		c.fail(w, r, http.StatusServiceUnavailable, "snapshot: "+err.Error())
		return
	}
	rows, pg := paginate(r, Prefix, d.Instances, matchInstance)
	peers := slices.Clone(d.Peers)
	slices.SortFunc(peers, func(a, b status.Peer) int { return cmp.Compare(a.Instance, b.Instance) })
	c.render(w, r, "overview", overviewData{D: d, Rows: rows, Pager: pg, Timeline: c.timeline(d),
		Peers: firstMatching(peers, pg.Query, func(p status.Peer, q string) bool {
			return strings.Contains(strings.ToLower(p.Instance+" "+p.Addr), q)
		}),
		Groups: firstMatching(d.SyncGroups, pg.Query, func(g status.SyncGroup, q string) bool {
			return strings.Contains(strings.ToLower(g.Name+" "+strings.Join(g.Members, " ")), q)
		})})
}

// shown is the start of a list that the instance filter also narrows:
// at most a page of it, and how many there were.
type shown[T any] struct {
	Items           []T
	Matching, Total int
}

func firstMatching[T any](items []T, q string, match func(T, string) bool) shown[T] {
	s := shown[T]{Total: len(items)}
	for _, it := range items {
		if q == "" || match(it, strings.ToLower(q)) {
			s.Matching++
			if len(s.Items) < pageSize {
				s.Items = append(s.Items, it)
			}
		}
	}
	return s
}

func (c *Console) lvsPage(w http.ResponseWriter, r *http.Request) {
	d, err := c.snapshot(r.Context())
	if err != nil {
		c.fail(w, r, http.StatusServiceUnavailable, "snapshot: "+err.Error())
		return
	}
	rows, pg := paginate(r, Prefix+"lvs", d.VirtualServers, matchVS)
	c.render(w, r, "lvs", lvsData{D: d, Rows: rows, Pager: pg})
}

func (c *Console) reloadsPage(w http.ResponseWriter, r *http.Request) {
	d, err := c.snapshot(r.Context())
	if err != nil {
		c.fail(w, r, http.StatusServiceUnavailable, "snapshot: "+err.Error())
		return
	}
	l := slices.Clone(d.Reloads)
	slices.Reverse(l)
	c.render(w, r, "reloads", reloadsData{D: d, Reloads: l})
}
