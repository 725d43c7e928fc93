package main

import (
	"fmt"
	"io"
	"os"

	"github.com/govrrpd/govrrpd/internal/manconf"
)

// writeMan5 is govrrpd.conf(5), from the keyword table.
func writeMan5(w io.Writer, date, keywords string) error {
	src, err := os.ReadFile(keywords)
	if err != nil {
		return fmt.Errorf("keyword table: %w", err)
	}
	tab, err := manconf.Parse(keywords, src)
	if err != nil {
		return err
	}
	return manconf.Write(w, tab, date, "govrrpd "+version)
}
