// Package deps keeps the tree's dependency arrows pointing one way, the
// idea of Tailscale's deptest: domain packages (vrrp, ipvs, check, script,
// srcpos, iproute) import neither confparse nor internal/..., vrrp imports
// neither ipvs nor check, check does not import vrrp, and nothing outside
// tools/ and test/ links tools/.... Its only file is deps_test.go, which
// reads the graph with `go list` and also checks that each rule fires.
package deps
