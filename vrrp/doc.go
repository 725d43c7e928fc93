// Package vrrp is VRRP itself, with no sockets and no clocks: the advert
// codec (v2 and v3, IPv4 and IPv6, its three checksum forms), the receive
// checks, and the per-instance state machine of RFC 5798 §6.4 with
// keepalived's FAULT, STOP, tracking weights, sync groups and handover.
// The daemon decodes packets, reads clocks and probes trackers, feeds typed
// events to a Machine and carries out the actions it returns, so that a run
// can be replayed exactly and simulated thousands of times a second.
//
// A domain package: it imports script and nothing else of govrrpd, in
// particular neither ipvs nor check nor anything under internal/
// (test/deps enforces it). Its goldens are testdata/scenarios (70 scripted
// runs, fsm_scenario_test.go, regenerated with -update) and testdata/pcaps
// (keepalived's adverts, decoded by advert_pcap_test.go); the simulator
// tests (sim_*_test.go) run random elections, and FuzzAdvert,
// FuzzCheckAdvert and FuzzScenario fuzz the codec, the receive checks and
// the scenario language.
package vrrp
