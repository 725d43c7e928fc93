package check

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"os"
)

// checkPEMFiles refuses an SSL {} block whose files cannot be read or
// hold no PEM block of the kind they name. Parsing the certificates needs
// crypto/x509, which the daemon does not link (docs/scale.md, Session 9):
// the govrrpd-check helper does it, and logs what it refuses.
func checkPEMFiles(s *TLSSettings) error {
	if s == nil {
		return nil
	}
	if s.CA != "" {
		if err := hasPEM(s.CA, "SSL ca", "CERTIFICATE"); err != nil {
			return err
		}
	}
	if s.Certificate == "" {
		return nil
	}
	if err := hasPEM(s.Certificate, "SSL certificate", "CERTIFICATE"); err != nil {
		return err
	}
	key := s.Key
	if key == "" {
		key = s.Certificate
	}
	return hasPEM(key, "SSL key", "PRIVATE KEY")
}

// hasPEM says whether path holds a PEM block whose type ends in kind.
func hasPEM(path, what, kind string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return fmt.Errorf("%s %s: no PEM %s", what, path, kind)
		}
		if bytes.HasSuffix([]byte(blk.Type), []byte(kind)) {
			return nil
		}
	}
}
