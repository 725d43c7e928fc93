// Package status holds the plain types an operator sees of a running
// govrrpd: the control API's JSON, `govrrpd status`, the metrics
// collectors and the web console all read these, and the subsystems that
// own the live state (the VRRP executor, the LVS subsystem, reload) fill
// them in. It exists so that the operations side and the engine agree on
// one shape without importing each other.
//
// It must import nothing of the project but plain types: no internal
// package, no confparse. Field names are the API's (docs/api.md); adding a
// field is compatible, renaming one is a new API version.
package status
