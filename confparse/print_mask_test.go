package confparse

import (
	"bytes"
	"strings"
	"testing"
)

const passInst = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n authentication {\n  auth_type PASS\n  auth_pass s3cr3t\n }\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n"

// Print keeps auth_pass (the config hash and the plan compare it);
// PrintMasked, what --dump-conf and the -d log print, never shows it.
func TestPrintMaskedHidesAuthPass(t *testing.T) {
	cfg, diags := loadString(t, passInst)
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	var full, masked bytes.Buffer
	if err := Print(&full, cfg); err != nil {
		t.Fatal(err)
	}
	if err := PrintMasked(&masked, cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(full.String(), "auth_pass s3cr3t\n") {
		t.Errorf("Print lost the password:\n%s", full.String())
	}
	if strings.Contains(masked.String(), "s3cr3t") || !strings.Contains(masked.String(), "auth_pass ********\n") {
		t.Errorf("PrintMasked:\n%s", masked.String())
	}
	if strings.Replace(full.String(), "s3cr3t", maskedKey, 1) != masked.String() {
		t.Errorf("the two printouts differ elsewhere than the password:\n%s\n%s", full.String(), masked.String())
	}
}

// A masked printout read back says, at the line, that it cannot
// authenticate.
func TestAuthPassMaskedReadBack(t *testing.T) {
	_, diags := loadString(t, strings.Replace(passInst, "s3cr3t", maskedKey, 1))
	if len(diags) != 1 || diags[0].Pos.Line != 6 || !strings.Contains(diags[0].Msg, "(VI_1) auth_pass is masked") {
		t.Errorf("diagnostics: %s", diags)
	}
}

// The checkers' SSL key password is masked the same way.
func TestPrintMaskedHidesSSLPassword(t *testing.T) {
	cfg, diags := loadString(t, "SSL {\n password k3yp4ss\n}\n")
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	var full, masked bytes.Buffer
	if err := Print(&full, cfg); err != nil {
		t.Fatal(err)
	}
	if err := PrintMasked(&masked, cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(full.String(), "password k3yp4ss\n") {
		t.Errorf("Print lost the password:\n%s", full.String())
	}
	if strings.Contains(masked.String(), "k3yp4ss") || !strings.Contains(masked.String(), "password ********\n") {
		t.Errorf("PrintMasked:\n%s", masked.String())
	}
}
