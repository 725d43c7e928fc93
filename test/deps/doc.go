// Package deps keeps the tree's dependency arrows pointing one way, the
// idea of Tailscale's deptest: domain packages (vrrp, ipvs, check, script,
// srcpos, iproute) import neither confparse nor internal/..., vrrp imports
// neither ipvs nor check, check does not import vrrp, and nothing outside
// tools/ and test/ links tools/.... deps_test.go reads the graph with `go
// list` and also checks that each rule fires; binary_test.go keeps heavy
// libraries the daemon has no use for out of its binary,
// inittrace_test.go keeps the packages made lazy from working at start, and
// opsimports_test.go keeps HTTP, TLS and the templates imported only by the
// packages that serve or check over them.
package deps
