package control

import "github.com/govrrpd/govrrpd/internal/ctlapi"

// The names below are internal/ctlapi's, which the daemon links without
// this package's HTTP server; they stay here so the commands and the
// console keep one import for the API.

// Backend is ctlapi.Backend: what the API needs from a running daemon.
type Backend = ctlapi.Backend

// ErrNotFound (404) and ErrInvalid (400) are ctlapi's error classes.
var (
	ErrNotFound = ctlapi.ErrNotFound
	ErrInvalid  = ctlapi.ErrInvalid
)

// APIPrefix and DefaultSocket are ctlapi's.
const (
	APIPrefix     = ctlapi.APIPrefix
	DefaultSocket = ctlapi.DefaultSocket
)

// The request and answer bodies are ctlapi's.
type (
	DrainRequest       = ctlapi.DrainRequest
	MaintenanceRequest = ctlapi.MaintenanceRequest
	PlanRequest        = ctlapi.PlanRequest
	CheckerEntry       = ctlapi.CheckerEntry
	Error              = ctlapi.Error
)

// ListenSocket, ListenTCP and LoadToken are ctlapi's: the daemon opens
// its listeners and reads the token itself.
var (
	ListenSocket = ctlapi.ListenSocket
	ListenTCP    = ctlapi.ListenTCP
	LoadToken    = ctlapi.LoadToken
)
