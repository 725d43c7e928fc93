//go:build !unix

package check

import "fmt"

// reuseAddr refuses bind_port outside unix: a fixed source port without
// address reuse would fail every other check.
func reuseAddr(int) error { return fmt.Errorf("bind_port: %w", errNotSupported) }
